// Ping burst against a Switchboard server, from the independent `ws` client:
//   node pings.mjs <url> <count>   sends <count> pings back to back (payload "0".."count-1"),
//                                  prints "pongs <n> in order" or "pongs out of order: ..." and exits
import { WebSocket } from 'ws';

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const ws = new WebSocket(url);
const seen = [];
ws.on('open', () => {
  for (let i = 0; i < count; i++) ws.ping(String(i));
});
ws.on('pong', (data) => {
  seen.push(data.toString('utf8'));
  if (seen.length === count) {
    const inOrder = seen.every((p, i) => p === String(i));
    console.log(inOrder ? `pongs ${seen.length} in order` : `pongs out of order: ${seen.join(',')}`);
    ws.close(1000);
  }
});
ws.on('close', () => process.exit(0));
ws.on('error', (e) => { console.log(`error ${e.message}`); process.exit(1); });
setTimeout(() => { console.log(`timeout: pongs ${seen.length}: ${seen.join(',')}`); process.exit(1); }, 20_000).unref();
