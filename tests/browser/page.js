// Page script (bundled by setup.sh with esbuild into dist/page.bundle.js).
// Loads a mediasoup-client Device from the server's router capabilities, creates a send transport,
// grabs the (fake) camera + microphone and produces video + audio. Progress is exposed on
// window.__acceptance for the test driver: { step, error, handlerName, connectionState, producers }.
// With ?role=consume (RxMediasoup's signalling only, RxSignallingServer.cs) the page instead creates a recv
// transport and consumes the router's video + audio producers (paused server-side, resumed once the client
// consumer exists); window.__acceptanceStats() then reports the inbound-rtp stats the page decoded.
import { Device } from 'mediasoup-client';

const state = {
  step: 'starting',
  error: null,
  handlerName: null,
  connectionState: 'new',
  producers: {},
};
window.__acceptance = state;

function show(step) {
  state.step = step;
  const el = document.getElementById('step');
  if (el) el.textContent = step;
}

function clientLog(level, message) {
  const el = document.getElementById('log');
  if (el) el.textContent += `${level}: ${message}\n`;
  // Best effort: mirror to the server's stderr so failures are visible in the test output.
  fetch('/api/client-log', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ level, message }),
  }).catch(() => {});
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${json.error ?? ''}`);
  return json;
}

async function run() {
  show('loading-device');
  const routerRtpCapabilities = await api('GET', '/api/rtpCapabilities');
  const device = new Device();
  await device.load({ routerRtpCapabilities });
  state.handlerName = device.handlerName;
  clientLog('info', `device loaded (${device.handlerName}); canProduce video=${device.canProduce('video')} audio=${device.canProduce('audio')}`);

  show('creating-transport');
  const transportInfo = await api('POST', '/api/transports', {});
  const transport = device.createSendTransport(transportInfo);

  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    api('POST', `/api/transports/${transport.id}/connect`, { dtlsParameters })
      .then(() => callback())
      .catch(errback);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    api('POST', `/api/transports/${transport.id}/produce`, { kind, rtpParameters, appData })
      .then(({ id }) => callback({ id }))
      .catch(errback);
  });
  transport.on('connectionstatechange', (connectionState) => {
    state.connectionState = connectionState;
    clientLog('info', `transport connection state: ${connectionState}`);
  });

  show('get-user-media');
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
  });
  const local = document.getElementById('local');
  if (local) local.srcObject = stream;

  show('producing');
  const video = await transport.produce({ track: stream.getVideoTracks()[0] });
  state.producers.video = video.id;
  const audio = await transport.produce({ track: stream.getAudioTracks()[0] });
  state.producers.audio = audio.id;
  show('produced');
  clientLog('info', `producing video ${video.id} and audio ${audio.id}`);
}

async function consume() {
  show('loading-device');
  const routerRtpCapabilities = await api('GET', '/api/rtpCapabilities');
  const device = new Device();
  await device.load({ routerRtpCapabilities });
  state.handlerName = device.handlerName;
  state.consumers = {};

  show('creating-recv-transport');
  const transportInfo = await api('POST', '/api/transports', {});
  const transport = device.createRecvTransport(transportInfo);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    api('POST', `/api/transports/${transport.id}/connect`, { dtlsParameters })
      .then(() => callback())
      .catch(errback);
  });
  transport.on('connectionstatechange', (connectionState) => {
    state.connectionState = connectionState;
    clientLog('info', `recv transport connection state: ${connectionState}`);
  });

  const consumers = [];
  for (const kind of ['video', 'audio']) {
    show(`consuming-${kind}`);
    const info = await api('POST', `/api/transports/${transport.id}/consume`, { kind, rtpCapabilities: device.rtpCapabilities });
    const consumer = await transport.consume(info);
    consumers.push(consumer);
    const remote = document.getElementById(`remote-${kind}`);
    if (remote) remote.srcObject = new MediaStream([consumer.track]);
    await api('POST', `/api/consumers/${consumer.id}/resume`, {});
    state.consumers[kind] = consumer.id;
  }

  // The decoded side of every consumer: its inbound-rtp report (framesDecoded for video, packetsReceived for both).
  window.__acceptanceStats = async () => {
    const result = {};
    for (const consumer of consumers) {
      const report = await consumer.getStats();
      for (const s of report.values()) {
        if (s.type === 'inbound-rtp') {
          result[consumer.kind] = {
            packetsReceived: s.packetsReceived ?? 0,
            framesDecoded: s.framesDecoded ?? 0,
            bytesReceived: s.bytesReceived ?? 0,
            frameWidth: s.frameWidth ?? 0,
            frameHeight: s.frameHeight ?? 0,
          };
        }
      }
    }
    return result;
  };
  show('consuming');
  clientLog('info', `consuming ${consumers.map((c) => `${c.kind} ${c.id}`).join(', ')}`);
}

const role = new URLSearchParams(location.search).get('role');
(role === 'consume' ? consume() : run()).catch((error) => {
  state.error = String(error?.stack ?? error);
  show('failed');
  clientLog('error', state.error);
});
