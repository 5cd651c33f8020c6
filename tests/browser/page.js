// Page script (bundled by setup.sh with esbuild into dist/page.bundle.js).
// Loads a mediasoup-client Device from the server's router capabilities, creates a send transport,
// grabs the (fake) camera + microphone and produces video + audio. Progress is exposed on
// window.__acceptance for the test driver: { step, error, handlerName, connectionState, producers }.
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

run().catch((error) => {
  state.error = String(error?.stack ?? error);
  show('failed');
  clientLog('error', state.error);
});
