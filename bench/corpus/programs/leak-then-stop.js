// A leak that stops: keeps ~3 MiB/min for the first STOP seconds (a job queue nobody drains while a consumer is
// down), then the consumer returns and nothing more is kept — what was kept stays.
// Usage: node leak-then-stop.js [stopSeconds=330] [maxSeconds=900]
const stop = Number(process.argv[2] || 330);
const maxSeconds = Number(process.argv[3] || 900);
const started = Date.now();
const queue = [];
setInterval(() => {
  const job = Buffer.alloc(51 * 1024, 4);
  if ((Date.now() - started) / 1000 < stop) queue.push(job);
}, 1000);
setInterval(() => { const tmp = Buffer.alloc(200 * 1024, 1); tmp[0] = 2; }, 100);
setTimeout(() => process.exit(0), maxSeconds * 1000);
console.log(`leak-then-stop pid ${process.pid}`);
