// Like the encoder incident: each upload is buffered whole in memory and held while it is "encoded" (tens of seconds:
// tall, lingering, irregular peaks), and each job's result — frame records, JS objects on the V8 heap — is kept in a
// cache that is never cleaned (the leak, about 4 MiB/min). Uploads arrive by themselves at random times (no load
// generator needed): 20–120 MiB each, held 10–60 s.
// Usage: node upload-buffer.js [leak|fixed] [maxSeconds=900] [framesPerJob=4000]
const mode = process.argv[2] || 'leak';
const maxSeconds = Number(process.argv[3] || 900);
const framesPerJob = Number(process.argv[4] || 4000);
function encoded(job, frames) {
  const result = [];
  for (let i = 0; i < frames; i++) result.push({ job, frame: i, pts: i * 40, digest: `${job}:${i}:${Math.random().toString(36)}` });
  return result;
}
const jobs = new Map();
let id = 0;
function upload() {
  const size = (20 + Math.random() * 100) * 1024 * 1024;
  const buffered = Buffer.alloc(size, id & 0xff);             // written, so it is resident
  const hold = (10 + Math.random() * 50) * 1000;
  const job = id++;
  setTimeout(() => {
    jobs.set(job, { result: encoded(job, framesPerJob), size: buffered.length }); // never deleted in leak mode
    if (mode === 'fixed' && jobs.size > 20) jobs.delete(jobs.keys().next().value);
  }, hold);
  setTimeout(upload, (15 + Math.random() * 45) * 1000);
}
// Small steady work between uploads, as a service has.
setInterval(() => { const tmp = Buffer.alloc(256 * 1024, 1); tmp[0] = 2; }, 100);
// The results keep arriving between uploads too (small jobs), so the cache grows steadily.
setInterval(() => { const job = id++; jobs.set(job, { result: encoded(job, framesPerJob / 4) }); if (mode === 'fixed' && jobs.size > 20) jobs.delete(jobs.keys().next().value); }, 2000);
upload();
setTimeout(() => process.exit(0), maxSeconds * 1000);
console.log(`upload-buffer (${mode}) pid ${process.pid}`);
