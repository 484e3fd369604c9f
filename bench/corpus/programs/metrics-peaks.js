// A service whose Prometheus client renders a big /metrics page: every scrape builds ~40 MiB of strings (a tall, short
// peak every 30 s) over a cache that either leaks (~2 MiB/min) or stays bounded. It scrapes itself every 30 s so
// no Prometheus is needed.
// Usage: node metrics-peaks.js [leak|fixed] [maxSeconds=900]
const mode = process.argv[2] || 'leak';
const maxSeconds = Number(process.argv[3] || 900);
const cache = [];
function render() {
  const lines = [];
  for (let i = 0; i < 400000; i++) lines.push(`http_requests_total{route="/api/v1/item/${i}",method="GET",code="200"} ${i}`);
  const page = lines.join('\n');
  return page.length;
}
setInterval(() => { render(); }, 30000);
setInterval(() => {
  cache.push(Buffer.alloc(34 * 1024, 5));
  if (mode === 'fixed' && cache.length > 200) cache.shift();
}, 1000);
setInterval(() => { const tmp = Buffer.alloc(128 * 1024, 1); tmp[0] = 2; }, 200);
setTimeout(() => process.exit(0), maxSeconds * 1000);
console.log(`metrics-peaks (${mode}) pid ${process.pid}`);
