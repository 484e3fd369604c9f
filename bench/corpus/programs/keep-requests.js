// A service that keeps every request it serves in an audit log it never trims (the leak), and parses each body as a
// real handler would (the garbage behind a GC sawtooth). GET /metrics shows the log's length and the V8 heap.
// The fixed twin keeps the last BOUND entries (a bounded log that takes minutes to fill at the corpus' load).
// Usage: node keep-requests.js PORT [leak|fixed] [maxSeconds=900] [bound=6000]
const http = require('http');
const port = Number(process.argv[2]);
const mode = process.argv[3] || 'leak';
const maxSeconds = Number(process.argv[4] || 900);
const bound = Number(process.argv[5] || 6000);
const audit = [];
let served = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    const m = process.memoryUsage();
    res.end(`# TYPE audit_log_entries gauge\naudit_log_entries ${audit.length}\n# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes ${m.heapUsed}\n`);
    return;
  }
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    // The handler's transient work: a copy and a parse-like split, garbage as soon as the response is sent.
    const words = body.toString('latin1').match(/.{1,16}/g) || [];
    served++;
    const entry = { at: Date.now(), url: req.url, headers: { ...req.headers }, size: body.length, sample: body.subarray(0, 2048).toString('base64') };
    if (mode === 'leak') audit.push(entry);
    else { audit.push(entry); if (audit.length > bound) audit.shift(); }
    res.end(`ok ${words.length}\n`);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`keep-requests (${mode}) on ${port}, pid ${process.pid}`));
setTimeout(() => process.exit(0), maxSeconds * 1000);
