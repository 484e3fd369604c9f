// A paced HTTP load on 127.0.0.1 for the corpus recordings: RATE requests a second (Poisson arrivals), each a POST of
// BYTES random bytes (0: a GET), for SECONDS, then it exits by itself.
// Usage: node load.js URL RATE BYTES SECONDS
const http = require('http');
const [url, rate, bytes, seconds] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const target = new URL(url);
if (!['127.0.0.1', 'localhost'].includes(target.hostname)) { console.error('load.js: loopback only'); process.exit(2); }
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const end = Date.now() + seconds * 1000;
let sent = 0, failed = 0;
function one() {
  const body = bytes > 0 ? Buffer.alloc(bytes, sent & 0xff) : null;
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search,
    method: body ? 'POST' : 'GET', agent, headers: body ? { 'content-length': body.length } : {} }, res => { res.resume(); });
  req.on('error', () => { failed++; });
  req.setTimeout(10000, () => req.destroy());
  if (body) req.write(body);
  req.end();
  sent++;
}
function next() {
  if (Date.now() >= end) { agent.destroy(); console.error(`load.js: ${sent} sent, ${failed} failed`); return; }
  one();
  setTimeout(next, -Math.log(1 - Math.random()) * 1000 / rate);
}
next();
