'use strict';
// conformance/lib/port.js: the two port chores of ci.sh and clients/run.sh.
//   node lib/port.js free        prints a TCP port on 127.0.0.1 that is free now
//   node lib/port.js wait PORT   waits (30 s at most) until something accepts
//                                connections on PORT; exits 1 if nothing does
const net = require('node:net');

const [what, arg] = process.argv.slice(2);
if (what === 'free') {
  const s = net.createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });
} else if (what === 'wait') {
  const port = Number(arg);
  const deadline = Date.now() + 30000;
  (function attempt() {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => { s.end(); process.exit(0); });
    s.on('error', () => { if (Date.now() > deadline) process.exit(1); setTimeout(attempt, 100); });
  }());
} else {
  process.stderr.write('usage: node lib/port.js free | wait PORT\n');
  process.exit(2);
}
