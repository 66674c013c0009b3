// A ws peer for Switchboard's permessage-deflate interop tests and measurement.
//   node deflate-peer.mjs server '<perMessageDeflate options as JSON>'
//       echo server on 127.0.0.1, prints "port <n>"; answers the text "extensions?" with
//       "extensions=<the parameters ws agreed, in a fixed order>"
//   node deflate-peer.mjs client <url> '<options JSON>' <count>
//       sends <count> chatty JSON messages (about 200 bytes, repeating keys) one at a time,
//       checks each echo, prints "open extensions=<...>", then
//       "ok <count> read=<bytes from the server> written=<bytes to the server>" (TCP bytes,
//       handshake included) and closes
//   node --expose-gc deflate-peer.mjs memory <pairs> '<options JSON, or false>'
//       opens <pairs> ws client/server pairs in this process, one echoed message each (so
//       both zlib streams of both sides exist), and prints the growth of rss, V8 heap and
//       external memory (where Node counts zlib's) per pair
import { WebSocketServer, WebSocket } from 'ws';

const [mode, arg1, arg2, arg3] = process.argv.slice(2);

function chatty(i) {
  const symbols = ['ACME', 'GLOBX', 'INITECH', 'UMBRL', 'HOOLI', 'STARK', 'WAYNE'];
  return JSON.stringify({
    type: 'quote', seq: i, symbol: symbols[i % symbols.length], bid: (100 + (i * 37) % 900) / 10,
    ask: (101 + (i * 41) % 900) / 10, volume: (i * 7919) % 100000, exchange: 'XNAS', currency: 'USD',
    timestamp: 1764480000000 + i * 250, flags: { halted: false, auction: i % 50 === 0 },
  });
}

// What ws agreed, as "permessage-deflate; a; b=10" with the RFC's parameters in a fixed order, or "-".
function agreed(ws) {
  const params = ws._extensions['permessage-deflate']?.params;
  if (!params) return '-';
  const keys = ['server_no_context_takeover', 'client_no_context_takeover', 'server_max_window_bits',
    'client_max_window_bits'];
  return ['permessage-deflate', ...keys.filter((k) => params[k] !== undefined)
    .map((k) => (params[k] === true ? k : `${k}=${params[k]}`))].join('; ');
}

if (mode === 'server') {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: JSON.parse(arg1) });
  server.on('listening', () => console.log(`port ${server.address().port}`));
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.toString('utf8') === 'extensions?') {
        ws.send(`extensions=${agreed(ws)}`);
      } else {
        ws.send(data, { binary: isBinary });
      }
    });
  });
  setTimeout(() => process.exit(0), 120_000).unref(); // never outlive a test run
} else if (mode === 'client') {
  const count = Number(arg3);
  const ws = new WebSocket(arg1, { perMessageDeflate: JSON.parse(arg2) });
  const fail = (why) => { console.log(`FAIL ${why}`); process.exit(1); };
  ws.on('error', (e) => fail(`error ${e.message}`));
  let i = 0;
  ws.on('open', () => {
    console.log(`open extensions=${agreed(ws)}`);
    ws.send(chatty(i));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary || data.toString('utf8') !== chatty(i)) fail(`echo ${i}: ${data.toString('utf8')}`);
    i++;
    if (i < count) {
      ws.send(chatty(i));
    } else {
      let payload = 0;
      for (let k = 0; k < count; k++) payload += Buffer.byteLength(chatty(k));
      console.log(`ok ${count} read=${ws._socket.bytesRead} written=${ws._socket.bytesWritten} payload=${payload}`);
      ws.close(1000, 'done');
    }
  });
  ws.on('close', () => process.exit(0));
  setTimeout(() => fail('timeout'), 60_000).unref();
}

if (mode === 'memory') {
  const pairs = Number(arg1);
  const options = JSON.parse(arg2);
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: options });
  server.on('connection', (ws) => ws.on('message', (data) => ws.send(data, { binary: false })));
  await new Promise((resolve) => server.on('listening', resolve));
  const url = `ws://127.0.0.1:${server.address().port}/`;
  const open = (i) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: options });
    ws.on('error', reject);
    ws.on('open', () => ws.send(chatty(i)));
    ws.on('message', () => resolve(ws));
  });
  const usage = () => { global.gc(); global.gc(); return process.memoryUsage(); };
  const kept = [];
  for (let i = 0; i < 20; i++) kept.push(await open(i)); // warm-up
  const before = usage();
  for (let i = 0; i < pairs; i++) kept.push(await open(i));
  const after = usage();
  const per = (k) => Math.round((after[k] - before[k]) / pairs);
  console.log(`memory pairs=${pairs} rss=${per('rss')} heap=${per('heapUsed')} external=${per('external')}`);
  process.exit(0);
}
