// A Node heap of about MB megabytes of small objects (the shape that makes snapshots costly), kept until killed.
// Usage: node --max-old-space-size=8192 heap.js MB
const mb = Number(process.argv[2] ?? 100);
const keep = [];
let bytes = 0;
for (let i = 0; bytes < mb * 1024 * 1024; i++) {
  keep.push({ id: i, name: `item ${i}`, tags: [i & 7] });
  bytes = process.memoryUsage().heapUsed * ((i & 0xffff) === 0 ? 1 : 0) || bytes;
}
console.log(`ready ${process.memoryUsage().heapUsed}`);
setInterval(() => keep.length, 1000);
