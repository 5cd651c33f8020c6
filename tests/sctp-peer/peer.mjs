// A real SCTP-over-UDP peer (werift-sctp), driven over stdin/stdout with one JSON object per line, for the C# ports
// of mediasoup 3.27.1's test-werift-sctp.js. Usage: node peer.mjs <remoteAddress> <remotePort>
//
// Events written to stdout:
//   {"event":"connected","established":true,"associationState":<number>}   once the association is up
//   {"event":"message","streamId":0,"ppid":51,"data":"<base64>"}            each SCTP message received
//   {"event":"error","message":"..."}                                      a failure (the process then exits 1)
// Commands read from stdin:
//   {"cmd":"send","streamId":123,"ppid":51,"data":"<base64>"}              send one message (in order)
//   {"cmd":"stop"}                                                         stop the association and exit 0
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { SCTP, SCTP_STATE, createUdpTransport } from 'werift-sctp';

const [address, portText] = process.argv.slice(2);
const port = Number(portText);
if (!address || !Number.isInteger(port)) {
  process.stderr.write('usage: node peer.mjs <remoteAddress> <remotePort>\n');
  process.exit(2);
}

const write = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const fail = (error) => {
  write({ event: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
};

const socket = createSocket('udp4');
const sctp = SCTP.client(createUdpTransport(socket, { port, address }));

sctp.onReceive.subscribe((streamId, ppid, data) => {
  write({ event: 'message', streamId, ppid, data: Buffer.from(data).toString('base64') });
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await sctp.stop();
  } catch {
    // Already closed.
  }
  sctp.transport.close();
  process.exit(code);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    fail(error);
    return;
  }
  switch (command.cmd) {
    case 'send':
      void sctp.send(command.streamId, command.ppid, Buffer.from(command.data, 'base64')).catch(fail);
      break;
    case 'stop':
      void stop(0);
      break;
    default:
      fail(new Error(`unknown command ${line}`));
  }
}).on('close', () => void stop(0));

try {
  await Promise.all([sctp.start(5000), sctp.stateChanged.connected.asPromise()]);
  write({
    event: 'connected',
    established: sctp.associationState === SCTP_STATE.ESTABLISHED,
    associationState: sctp.associationState,
  });
} catch (error) {
  fail(error);
}
