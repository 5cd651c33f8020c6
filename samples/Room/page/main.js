// The Room page: joins ?roomId=R&peerId=P with no gesture, publishes camera (1280x720, three simulcast layers),
// microphone and a chat data channel, consumes every other peer, and reconnects by itself when the socket drops
// (server restart, the room moved to another worker). Test hooks: window.__room (README.md, "Page test hooks").
import { Device } from 'mediasoup-client';
import { Signalling } from './signalling.js';
import * as ui from './ui.js';

const params = new URLSearchParams(location.search);
const roomId = params.get('roomId');
const peerId = params.get('peerId');
const publish = { video: params.get('video') !== '0', audio: params.get('audio') !== '0' };

const state = { joined: false, reconnects: 0, activeSpeaker: null, chat: [] };
const peers = new Map(); // peerId -> { peerId, stalled, consumers: Map<id, { id, kind, score, bitrate, paused, consumer }> }
let session = null; // the current connection: { signalling, device, send, recv, producers, chatProducer, dataConsumers }
let localStream = null;
let left = false;
let failures = 0; // consecutive connections that did not get to joined

function peerOf(id) {
  let peer = peers.get(id);
  if (!peer) {
    peer = { peerId: id, stalled: false, consumers: new Map() };
    peers.set(id, peer);
    ui.peerElement(id, { onLayer: (layer) => requestLayers(id, layer).catch((e) => console.warn(e.message)) });
    ui.setActiveSpeaker(state.activeSpeaker);
  }
  return peer;
}

function removePeer(id) {
  peers.delete(id);
  ui.removePeerElement(id);
}

async function getLocalMedia() {
  if (localStream || (!publish.video && !publish.audio)) return;
  localStream = await navigator.mediaDevices.getUserMedia({
    audio: publish.audio,
    video: publish.video ? { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } : false,
  });
  ui.showLocal(localStream);
}

function createTransport(s, direction) {
  return s.signalling.request('createWebRtcTransport', { direction }).then((info) => {
    const options = { ...info };
    const transport = direction === 'send' ? s.device.createSendTransport(options) : s.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, ok, fail) => {
      s.signalling.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(ok, fail);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, ok, fail) => {
        s.signalling.request('produce', { transportId: transport.id, kind, rtpParameters }).then(ok, fail);
      });
      transport.on('producedata', ({ sctpStreamParameters, label, protocol }, ok, fail) => {
        s.signalling.request('produceData', { transportId: transport.id, sctpStreamParameters, label, protocol }).then(ok, fail);
      });
    }
    return transport;
  });
}

// Notifications are handled one at a time, in order (consume() and consumeData() are asynchronous).
function onNotification(s, name, data) {
  s.queue = s.queue.then(() => handleNotification(s, name, data)).catch((e) => console.warn(`${name}: ${e.message}`));
}

async function handleNotification(s, name, data) {
  if (s !== session) return;
  switch (name) {
    case 'peerJoined': peerOf(data.peerId); break;
    case 'peerLeft': removePeer(data.peerId); break;
    case 'newConsumer': {
      const consumer = await s.recv.consume({ id: data.id, producerId: data.producerId, kind: data.kind, rtpParameters: data.rtpParameters });
      const peer = peerOf(data.peerId);
      peer.consumers.set(consumer.id, { id: consumer.id, kind: consumer.kind, score: 0, bitrate: 0, paused: true, consumer });
      ui.setTrack(data.peerId, consumer.track, true);
      ui.renderPeer(peer);
      await s.signalling.request('resumeConsumer', { consumerId: consumer.id });
      break;
    }
    case 'consumerState': {
      for (const peer of peers.values()) {
        const c = peer.consumers.get(data.consumerId);
        if (!c) continue;
        Object.assign(c, { score: data.score, bitrate: data.bitrate, paused: data.paused });
        ui.renderPeer(peer);
      }
      break;
    }
    case 'consumerClosed': {
      const peer = peers.get(data.peerId);
      const c = peer?.consumers.get(data.consumerId);
      if (!c) break;
      peer.consumers.delete(data.consumerId);
      ui.setTrack(data.peerId, c.consumer.track, false);
      c.consumer.close();
      ui.renderPeer(peer);
      break;
    }
    case 'newDataConsumer': {
      const dataConsumer = await s.recv.consumeData({
        id: data.id, dataProducerId: data.dataProducerId, sctpStreamParameters: data.sctpStreamParameters,
        label: data.label, protocol: data.protocol,
      });
      s.dataConsumers.set(data.id, dataConsumer);
      dataConsumer.on('message', (message) => {
        const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
        state.chat.push({ from: data.peerId, text });
        ui.addChatMessage(data.peerId, text);
      });
      break;
    }
    case 'dataConsumerClosed': s.dataConsumers.get(data.dataConsumerId)?.close(); s.dataConsumers.delete(data.dataConsumerId); break;
    case 'activeSpeaker': state.activeSpeaker = data.peerId ?? null; ui.setActiveSpeaker(state.activeSpeaker); break;
    case 'peerStalled': { const peer = peerOf(data.peerId); peer.stalled = data.stalled; ui.renderPeer(peer); break; }
    case 'roomMoved': ui.setStatus('the room moved to another worker; reconnecting…'); break;
    default: break;
  }
}

async function join() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const s = { queue: Promise.resolve(), producers: new Map(), dataConsumers: new Map(), chatProducer: null };
  session = s;
  s.signalling = new Signalling(url, { onNotification: (name, data) => onNotification(s, name, data), onClose: (e) => onClosed(s, e) });
  ui.setStatus('joining…');
  const { routerRtpCapabilities } = await s.signalling.request('join', { roomId, peerId });
  s.device = new Device();
  await s.device.load({ routerRtpCapabilities });
  s.recv = await createTransport(s, 'recv');
  s.send = await createTransport(s, 'send');
  await s.signalling.request('startConsuming', { transportId: s.recv.id, rtpCapabilities: s.device.rtpCapabilities });
  await getLocalMedia();
  const video = localStream?.getVideoTracks()[0];
  if (video && video.readyState === 'live') {
    s.producers.set('video', await s.send.produce({
      track: video,
      encodings: [
        { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
        { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
        { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
      ],
      codecOptions: { videoGoogleStartBitrate: 1000 },
      stopTracks: false, // the camera outlives a connection: a reconnect publishes the same track again
      zeroRtpOnPause: true, // pause() (setTrackEnabled false) sends no RTP at all
    }));
  }
  const audio = localStream?.getAudioTracks()[0];
  if (audio && audio.readyState === 'live') s.producers.set('audio', await s.send.produce({ track: audio, stopTracks: false, zeroRtpOnPause: true }));
  s.chatProducer = await s.send.produceData({ ordered: true, label: 'chat' });
  state.joined = true;
  failures = 0;
  ui.setStatus(`joined (${s.device.handlerName})`);
}

function onClosed(s, event) {
  if (s !== session) return;
  state.joined = false;
  try { s.send?.close(); s.recv?.close(); } catch { /* already closed */ }
  for (const id of [...peers.keys()]) removePeer(id);
  state.activeSpeaker = null;
  // 4000: replaced by a newer tab with this peerId (do not fight it); leave(): the user's choice.
  if (left || event.code === 4000) { ui.setStatus(`left (${event.code} ${event.reason})`); return; }
  ui.setStatus(`disconnected (${event.code} ${event.reason}); reconnecting…`);
  const delay = Math.min(5000, 500 * 2 ** failures++); // 0.5 s, then backing off while joins keep failing
  setTimeout(() => { if (!left && s === session) { state.reconnects++; start(); } }, delay);
}

function start() {
  join().catch((e) => {
    console.warn(`join failed: ${e.message}`);
    ui.setStatus(`join failed: ${e.message}`);
    if (e.code === 'invalid_value') return; // a bad roomId/peerId: retrying would not help
    session?.signalling.close(4002, 'join failed'); // anything else: reconnect and try again
  });
}

function sendChat(text) {
  if (!session?.chatProducer) throw new Error('not joined yet');
  session.chatProducer.send(String(text));
  state.chat.push({ from: peerId, text: String(text) });
  ui.addChatMessage(peerId, String(text));
}

function localTrack(kind) {
  const track = kind === 'video' ? localStream?.getVideoTracks()[0] : localStream?.getAudioTracks()[0];
  if (!track) throw new Error(`no local ${kind} track`);
  return track;
}

function requestLayers(remotePeerId, spatialLayer) {
  const consumer = [...(peers.get(remotePeerId)?.consumers.values() ?? [])].find((c) => c.kind === 'video');
  if (!consumer) return Promise.reject(new Error(`no video consumer of ${remotePeerId}`));
  return session.signalling.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer });
}

async function stats() {
  const inbound = [];
  const outbound = [];
  for (const peer of peers.values()) {
    for (const c of peer.consumers.values()) {
      for (const s of (await c.consumer.getStats()).values()) {
        if (s.type !== 'inbound-rtp') continue;
        inbound.push({
          peerId: peer.peerId, kind: c.kind, packetsReceived: s.packetsReceived ?? 0, bytesReceived: s.bytesReceived ?? 0,
          framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0,
        });
      }
    }
  }
  for (const [kind, producer] of session?.producers ?? []) {
    let packetsSent = 0;
    let bytesSent = 0;
    for (const s of (await producer.getStats()).values()) {
      if (s.type !== 'outbound-rtp') continue;
      packetsSent += s.packetsSent ?? 0;
      bytesSent += s.bytesSent ?? 0;
    }
    outbound.push({ kind, packetsSent, bytesSent });
  }
  return { inbound, outbound };
}

window.__room = {
  state: () => ({
    joined: state.joined, roomId, peerId, reconnects: state.reconnects, activeSpeaker: state.activeSpeaker,
    peers: [...peers.values()].map((p) => ({
      peerId: p.peerId, stalled: p.stalled,
      consumers: [...p.consumers.values()].map(({ id, kind, score, bitrate, paused }) => ({ id, kind, score, bitrate, paused })),
    })),
    chat: state.chat.map((m) => ({ ...m })),
  }),
  stats,
  sendChat,
  // track.enabled, and the page's producer paused/resumed with it: Chrome keeps sending black frames or silence for
  // a disabled track, so without the pause no media would stop (the stall and active-speaker checks need it to).
  setTrackEnabled: (kind, enabled) => {
    localTrack(kind).enabled = Boolean(enabled);
    const producer = session?.producers.get(kind);
    if (producer) { if (enabled) producer.resume(); else producer.pause(); }
  },
  stopTrack: (kind) => { localTrack(kind).stop(); },
  requestLayers,
  leave: () => { left = true; session?.signalling.close(1000, 'leave'); },
};

ui.onChatSubmit((text) => { try { sendChat(text); } catch (e) { ui.setStatus(e.message); } });
if (roomId && peerId) {
  ui.setHeader(roomId, peerId);
  start();
} else {
  document.body.classList.add('lobby');
  document.querySelector('#lobby [name=peerId]').value = `peer-${Math.random().toString(36).slice(2, 7)}`;
}
