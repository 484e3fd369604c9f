// Heavy irregular churn (batches of 30–90 MiB kept for 2–40 s, at random) over a slow leak (~1.5 MiB/min of small
// session records on the V8 heap that are never freed): the leak is a small fraction of what moves.
// Usage: node churn-slow-leak.js [leak|fixed] [maxSeconds=900] [recordsPerSecond=100]
const mode = process.argv[2] || 'leak';
const maxSeconds = Number(process.argv[3] || 900);
const perSecond = Number(process.argv[4] || 100);
const kept = [];
function batch() {
  const size = (30 + Math.random() * 60) * 1024 * 1024;
  const parts = [];
  for (let done = 0; done < size; done += 1024 * 1024) parts.push(Buffer.alloc(1024 * 1024, 7));
  setTimeout(() => { parts.length = 0; }, (2 + Math.random() * 38) * 1000);
  setTimeout(batch, (3 + Math.random() * 20) * 1000);
}
batch();
let n = 0;
setInterval(() => {
  for (let i = 0; i < perSecond / 10; i++) {
    const entry = { id: n++, user: `user-${n % 9973}`, at: Date.now(), tags: ['a', 'b', String(n)], note: Math.random().toString(36).repeat(4) };
    if (mode === 'leak') kept.push(entry);
  }
}, 100);
setTimeout(() => process.exit(0), maxSeconds * 1000);
console.log(`churn-slow-leak (${mode}) pid ${process.pid}`);
