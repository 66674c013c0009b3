// An independent WebSocket peer for Switchboard's interop tests, built on the `ws` library.
//   node peer.mjs server <deflate:true|false>   echo server on 127.0.0.1, prints "port <n>";
//                                               a text "close <code>" makes it close with that code
//   node peer.mjs client <url> <deflate>        runs the client script below against <url>,
//                                               prints one line per check and "done" at the end
import { WebSocketServer, WebSocket } from 'ws';
import { randomBytes, createHash } from 'node:crypto';

const [mode, arg1, arg2] = process.argv.slice(2);

function deflateOptions(enabled) {
  return enabled === 'true' ? { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 } : false;
}

if (mode === 'server') {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: deflateOptions(arg1),
    maxPayload: 16 * 1024 * 1024 });
  server.on('listening', () => console.log(`port ${server.address().port}`));
  server.on('connection', (ws, request) => {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString('utf8');
      if (text && text.startsWith('close ')) {
        ws.close(Number(text.substring(6)), 'ws says bye');
      } else if (text === 'extensions?') {
        ws.send(`extensions=${ws.extensions}`);
      } else {
        ws.send(data, { binary: isBinary });
      }
    });
    ws.on('close', (code, reason) => console.log(`server saw close ${code} ${reason.toString()}`));
  });
  setTimeout(() => process.exit(0), 60_000).unref(); // never outlive a test run
} else if (mode === 'client') {
  const ws = new WebSocket(arg1, { perMessageDeflate: deflateOptions(arg2), maxPayload: 16 * 1024 * 1024 });
  const replies = [];
  let waiting = null;
  ws.on('message', (data, isBinary) => {
    replies.push({ data, isBinary });
    if (waiting) { const w = waiting; waiting = null; w(); }
  });
  ws.on('pong', (data) => { replies.push({ pong: data }); if (waiting) { const w = waiting; waiting = null; w(); } });
  const next = () => new Promise((resolve) => {
    if (replies.length) resolve(replies.shift());
    else waiting = () => resolve(replies.shift());
  });
  const fail = (why) => { console.log(`FAIL ${why}`); process.exit(1); };
  const digest = (b) => createHash('sha256').update(b).digest('hex');
  ws.on('error', (e) => fail(`error ${e.message}`));
  ws.on('close', (code, reason) => {
    console.log(`closed ${code} ${reason.toString()}`);
    console.log('done');
    process.exit(0);
  });
  ws.on('open', async () => {
    console.log(`open extensions=${ws.extensions || '-'}`);
    for (const text of ['héllo wörld €😀', '', 'x'.repeat(70_000)]) {
      ws.send(text);
      const r = await next();
      if (r.isBinary || r.data.toString('utf8') !== text) fail(`text of ${text.length} chars`);
      console.log(`text ${Buffer.byteLength(text)} ok`);
    }
    for (const size of [0, 125, 126, 65_536, 2 * 1024 * 1024]) {
      const bytes = randomBytes(size);
      ws.send(bytes, { binary: true });
      const r = await next();
      if (!r.isBinary || digest(r.data) !== digest(bytes)) fail(`binary of ${size} bytes`);
      console.log(`binary ${size} ok`);
    }
    // a fragmented message: three frames
    ws.send('frag', { fin: false });
    ws.send('men', { fin: false });
    ws.send('ted', { fin: true });
    const f = await next();
    if (f.data.toString('utf8') !== 'fragmented') fail('fragmented');
    console.log('fragmented ok');
    ws.ping(Buffer.from('are you there'));
    const p = await next();
    if (!p.pong || p.pong.toString() !== 'are you there') fail('pong');
    console.log('pong ok');
    ws.close(4001, 'node says bye');
  });
  setTimeout(() => fail('timeout'), 30_000).unref();
} else {
  console.error('usage: node peer.mjs server <deflate> | client <url> <deflate>');
  process.exit(2);
}
