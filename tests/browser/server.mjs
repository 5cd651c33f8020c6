// Browser acceptance harness: a tiny signalling server in front of a real mediasoup-worker.
//
// It uses the Node mediasoup reference library (mediasoup@3.27.1, installed without its install
// script) to spawn the worker binary named by MEDIASOUP_WORKER_BIN, creates one router (opus + VP8)
// and serves on 127.0.0.1 (random free port):
//
//   GET  /                                   the test page (index.html)
//   GET  /page.bundle.js                     the page script bundled by setup.sh (esbuild)
//   GET  /api/rtpCapabilities                router RTP capabilities
//   POST /api/transports                     {} -> { id, iceParameters, iceCandidates, dtlsParameters, sctpParameters }
//   POST /api/transports/:id/connect         { dtlsParameters } -> {}
//   POST /api/transports/:id/produce         { kind, rtpParameters, appData? } -> { id }
//   POST /api/client-log                     { level, message } -> {} (page diagnostics, echoed on stderr)
//   GET  /api/status                         transports (ice/dtls state + history), producers (score, stats),
//                                            worker liveness ('died' not fired, dump() succeeds)
//
// The JSON bodies mirror what mediasoup-client needs, so another SFU implementation (e.g. RxMediasoup's
// own WebRtcTransport) can serve the same API to the same page.
//
// stdout carries exactly one machine-readable line once ready: "LISTENING <port>". Everything else goes
// to stderr. With --exit-on-stdin-close the server shuts down when its stdin closes (parent died).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundlePath = path.join(here, 'dist', 'page.bundle.js');
const indexPath = path.join(here, 'index.html');

function log(...args) {
  process.stderr.write(`[server ${new Date().toISOString()}] ${args.join(' ')}\n`);
}

function fatal(message) {
  process.stderr.write(`server.mjs: ${message}\n`);
  process.exit(2);
}

const workerBin = process.env.MEDIASOUP_WORKER_BIN;
if (!workerBin) fatal('MEDIASOUP_WORKER_BIN is not set (path of the mediasoup-worker binary to test)');
try {
  fs.accessSync(workerBin, fs.constants.X_OK);
} catch {
  fatal(`MEDIASOUP_WORKER_BIN=${workerBin} is not an executable file`);
}
if (!fs.existsSync(bundlePath)) fatal(`${bundlePath} is missing: run tests/browser/setup.sh`);

const mediaCodecs = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: {} },
];

// ---- mediasoup -------------------------------------------------------------------------------------

const workerState = { pid: undefined, died: false, diedError: undefined, subprocessClosed: false };

const worker = await mediasoup.createWorker({
  workerBin,
  logLevel: process.env.MEDIASOUP_LOG_LEVEL || 'warn',
  logTags: ['info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp'],
});
workerState.pid = worker.pid;
worker.on('died', (error) => {
  workerState.died = true;
  workerState.diedError = String(error?.message ?? error);
  log(`WORKER DIED: ${workerState.diedError}`);
});
worker.on('subprocessclose', () => {
  workerState.subprocessClosed = true;
});
log(`worker pid ${worker.pid} started from ${workerBin}`);

const router = await worker.createRouter({ mediaCodecs });

/** @type {Map<string, { transport: import('mediasoup').types.WebRtcTransport, iceStates: string[], dtlsStates: string[] }>} */
const transports = new Map();
/** @type {Map<string, { producer: import('mediasoup').types.Producer, transportId: string, maxScore: number }>} */
const producers = new Map();

async function createTransport() {
  const transport = await router.createWebRtcTransport({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    enableUdp: true,
    enableTcp: false,
    preferUdp: true,
  });
  const entry = { transport, iceStates: [transport.iceState], dtlsStates: [transport.dtlsState] };
  transports.set(transport.id, entry);
  transport.on('icestatechange', (s) => {
    entry.iceStates.push(s);
    log(`transport ${transport.id} ice ${s}`);
  });
  transport.on('dtlsstatechange', (s) => {
    entry.dtlsStates.push(s);
    log(`transport ${transport.id} dtls ${s}`);
  });
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    sctpParameters: transport.sctpParameters,
  };
}

function getTransport(id) {
  const entry = transports.get(id);
  if (!entry) throw new HttpError(404, `no transport ${id}`);
  return entry.transport;
}

async function produce(transportId, { kind, rtpParameters, appData }) {
  const transport = getTransport(transportId);
  const producer = await transport.produce({ kind, rtpParameters, appData: appData ?? {} });
  const entry = { producer, transportId, maxScore: 0 };
  producers.set(producer.id, entry);
  producer.on('score', (scores) => {
    for (const s of scores) entry.maxScore = Math.max(entry.maxScore, s.score);
  });
  log(`producer ${producer.id} (${kind}) on transport ${transportId}`);
  return { id: producer.id };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function status() {
  let dumpOk = false;
  let dumpError;
  try {
    const dump = await withTimeout(worker.dump(), 3000, 'worker.dump()');
    dumpOk = dump && dump.pid === worker.pid;
    if (!dumpOk) dumpError = 'worker.dump() returned an unexpected pid';
  } catch (error) {
    dumpError = String(error?.message ?? error);
  }
  const processAlive = processExists(worker.pid);

  const transportList = [];
  for (const [id, entry] of transports) {
    const t = entry.transport;
    transportList.push({
      id,
      closed: t.closed,
      iceState: t.iceState,
      dtlsState: t.dtlsState,
      iceStates: entry.iceStates,
      dtlsStates: entry.dtlsStates,
      iceSelectedTuple: t.iceSelectedTuple ?? null,
    });
  }

  const producerList = [];
  for (const [id, entry] of producers) {
    const p = entry.producer;
    let packetCount = null;
    let byteCount = null;
    try {
      if (!p.closed && !workerState.died) {
        const stats = await withTimeout(p.getStats(), 3000, 'producer.getStats()');
        packetCount = stats.reduce((n, s) => n + (s.packetCount ?? 0), 0);
        byteCount = stats.reduce((n, s) => n + (s.byteCount ?? 0), 0);
      }
    } catch {
      // reported through worker.dumpOk / died
    }
    producerList.push({
      id,
      transportId: entry.transportId,
      kind: p.kind,
      closed: p.closed,
      score: p.score,
      currentScore: p.score.reduce((m, s) => Math.max(m, s.score), 0),
      maxScore: entry.maxScore,
      packetCount,
      byteCount,
    });
  }

  return {
    worker: {
      pid: worker.pid,
      alive: !workerState.died && !worker.closed && processAlive && dumpOk,
      died: workerState.died,
      diedError: workerState.diedError ?? null,
      closed: worker.closed,
      subprocessClosed: workerState.subprocessClosed,
      processAlive,
      dumpOk,
      dumpError: dumpError ?? null,
    },
    transports: transportList,
    producers: producerList,
  };
}

// ---- HTTP ------------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1 << 20) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON body');
  }
}

function send(res, statusCode, body, contentType = 'application/json; charset=utf-8') {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(data);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = url.pathname;
  const m = req.method;

  if (m === 'GET' && (p === '/' || p === '/index.html')) {
    return send(res, 200, fs.readFileSync(indexPath), 'text/html; charset=utf-8');
  }
  if (m === 'GET' && p === '/page.bundle.js') {
    return send(res, 200, fs.readFileSync(bundlePath), 'text/javascript; charset=utf-8');
  }
  if (m === 'GET' && p === '/favicon.ico') {
    res.writeHead(204);
    return res.end();
  }
  if (m === 'GET' && p === '/api/rtpCapabilities') {
    return send(res, 200, router.rtpCapabilities);
  }
  if (m === 'GET' && p === '/api/status') {
    return send(res, 200, await status());
  }
  if (m === 'POST' && p === '/api/transports') {
    await readJson(req);
    return send(res, 200, await createTransport());
  }
  if (m === 'POST' && p === '/api/client-log') {
    const { level, message } = await readJson(req);
    log(`page ${level ?? 'log'}: ${message}`);
    return send(res, 200, {});
  }
  let match = /^\/api\/transports\/([^/]+)\/connect$/.exec(p);
  if (m === 'POST' && match) {
    const { dtlsParameters } = await readJson(req);
    if (!dtlsParameters) throw new HttpError(400, 'dtlsParameters missing');
    await getTransport(match[1]).connect({ dtlsParameters });
    return send(res, 200, {});
  }
  match = /^\/api\/transports\/([^/]+)\/produce$/.exec(p);
  if (m === 'POST' && match) {
    const body = await readJson(req);
    if (!body.kind || !body.rtpParameters) throw new HttpError(400, 'kind and rtpParameters are required');
    return send(res, 200, await produce(match[1], body));
  }
  throw new HttpError(404, `no route for ${m} ${p}`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    const statusCode = error instanceof HttpError ? error.status : 500;
    log(`${req.method} ${req.url} -> ${statusCode}: ${error?.message ?? error}`);
    if (!res.headersSent) send(res, statusCode, { error: String(error?.message ?? error) });
    else res.end();
  });
});

let shuttingDown = false;
function shutdown(reason) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`shutting down (${reason})`);
  try {
    worker.close();
  } catch {
    // already closed
  }
  server.close();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (process.argv.includes('--exit-on-stdin-close')) {
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  log(`serving http://127.0.0.1:${port}/`);
  process.stdout.write(`LISTENING ${port}\n`);
});
