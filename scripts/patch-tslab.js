// tslab 1.0.22 sends every Jupyter message with zeromq 6's `sock.send(...)` without awaiting it, but
// zeromq 6 allows one send in progress per socket: a second one throws EBUSY ("Socket is busy
// writing"). Cells that display several large outputs in a row, or that end while a display is
// still being written (the kernel then publishes its idle status), fail or kill the kernel at
// random. This patch chains the sends of each socket, in order. It is idempotent.
const fs = require('fs');
const path = require('path');

const file = path.join(path.dirname(require.resolve('tslab/package.json')), 'dist', 'jupyter.js');
const source = fs.readFileSync(file, 'utf8');
const MARK = '[vi-lectures patch]';
const ORIGINAL = '        sock.send(heads.concat(bodies));\n';
const PATCHED = [
  `        // ${MARK} zeromq 6 allows one send at a time per socket: chain them in order`,
  '        const frames = heads.concat(bodies);',
  '        const queues = globalThis.viSendQueues || (globalThis.viSendQueues = new WeakMap()); // sockets are sealed',
  '        const next = (queues.get(sock) || Promise.resolve()).then(() => sock.send(frames)).catch((e) => console.error(`tslab: a kernel message was not sent: ${e}`));',
  '        queues.set(sock, next);',
  '',
].join('\n');

if (source.includes(MARK) && source.includes('viSendQueues')) {
  console.log('[setup] tslab send queue already patched');
} else if (source.includes(ORIGINAL)) {
  fs.writeFileSync(file, source.replace(ORIGINAL, PATCHED));
  console.log('[setup] patched tslab to send kernel messages one at a time');
} else {
  console.error(`[setup] ${file} does not contain the send this patch expects; check the tslab version (the patch is written for 1.0.22)`);
  process.exit(1);
}
