// memlab's heap analysis of one .heapsnapshot file: parse (getHeapFromFile) or parse and dominators/retained sizes
// (getFullHeapFromFile); prints {"ms":…, "maxRssKiB":…, "nodes":…} for the benchmark.
// Usage: node parse.js FILE [full]
const { getHeapFromFile, getFullHeapFromFile } = require('@memlab/heap-analysis');
const [file, mode] = process.argv.slice(2);
(async () => {
  const start = process.hrtime.bigint();
  const heap = await (mode === 'full' ? getFullHeapFromFile : getHeapFromFile)(file);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, nodes: heap.nodes.length }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
