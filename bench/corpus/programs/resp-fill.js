// Fills a cache server at a steady pace over loopback: memcached's text protocol ("set") or Redis' RESP ("SET"), one
// new key of BYTES bytes RATE times a second, for SECONDS. A cache bounded by its own limit (memcached -m, Redis
// maxmemory) fills to that bound in a few minutes and then evicts: healthy.
// Usage: node resp-fill.js memcached|redis PORT RATE BYTES SECONDS
const net = require('net');
const [kind, port, rate, bytes, seconds] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const value = Buffer.alloc(bytes, 'x');
const socket = net.connect(port, '127.0.0.1');
socket.on('data', () => {});
socket.on('error', e => { console.error(`resp-fill: ${e.message}`); process.exit(1); });
const end = Date.now() + seconds * 1000;
let key = 0;
const timer = setInterval(() => {
  if (Date.now() >= end) { clearInterval(timer); socket.end(); return; }
  const k = `key:${key++}:${Math.random().toString(36).slice(2, 8)}`;
  if (kind === 'memcached') socket.write(`set ${k} 0 0 ${bytes}\r\n${value}\r\n`);
  else socket.write(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${bytes}\r\n${value}\r\n`);
}, 1000 / rate);
