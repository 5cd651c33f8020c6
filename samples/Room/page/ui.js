// The page's DOM: one .peer element per remote peer (with its <video>), the chat, the status line.
const $ = (selector) => document.querySelector(selector);

export function setStatus(text) {
  const el = $('#status');
  if (el) el.textContent = text;
}

export function setHeader(roomId, peerId) {
  $('#room').textContent = roomId;
  $('#me').textContent = peerId;
}

export function showLocal(stream) {
  const video = $('#localVideo');
  if (video && stream) video.srcObject = stream;
}

export function peerElement(peerId, { onLayer } = {}) {
  let el = document.querySelector(`#peers .peer[data-peer-id="${CSS.escape(peerId)}"]`);
  if (el) return el;
  el = document.createElement('div');
  el.className = 'peer';
  el.dataset.peerId = peerId;
  el.innerHTML = `<video autoplay playsinline></video>
    <div class="label"><span class="name"></span> <span class="badge"></span></div>
    <div class="stats"></div>
    <label>quality <select><option value="2">high</option><option value="1">medium</option><option value="0">low</option></select></label>`;
  el.querySelector('.name').textContent = peerId;
  el.querySelector('video').srcObject = new MediaStream();
  el.querySelector('select').addEventListener('change', (e) => onLayer?.(Number(e.target.value)));
  $('#peers').appendChild(el);
  return el;
}

export function removePeerElement(peerId) {
  document.querySelector(`#peers .peer[data-peer-id="${CSS.escape(peerId)}"]`)?.remove();
}

export function clearPeers() {
  $('#peers').replaceChildren();
}

export function setTrack(peerId, track, add) {
  const el = document.querySelector(`#peers .peer[data-peer-id="${CSS.escape(peerId)}"]`);
  if (!el) return;
  const video = el.querySelector('video');
  const stream = video.srcObject;
  if (add) stream.addTrack(track); else stream.removeTrack(track);
  video.srcObject = stream;
  video.play().catch(() => { /* autoplay may wait for a gesture; media still flows */ });
}

export function renderPeer(peer) {
  const el = document.querySelector(`#peers .peer[data-peer-id="${CSS.escape(peer.peerId)}"]`);
  if (!el) return;
  el.classList.toggle('stalled', peer.stalled);
  el.querySelector('.badge').textContent = peer.stalled ? 'stalled' : '';
  el.querySelector('.stats').textContent = [...peer.consumers.values()]
    .map((c) => `${c.kind}: score ${c.score}, ${Math.round(c.bitrate / 1000)} kb/s${c.paused ? ', paused' : ''}`)
    .join(' · ');
}

export function setActiveSpeaker(peerId) {
  for (const el of document.querySelectorAll('#peers .peer')) el.classList.toggle('active-speaker', el.dataset.peerId === peerId);
}

export function addChatMessage(from, text) {
  const el = document.createElement('div');
  el.className = 'message';
  const who = document.createElement('b');
  who.textContent = `${from}: `;
  el.append(who, document.createTextNode(text));
  $('#messages').appendChild(el);
  el.scrollIntoView({ block: 'nearest' });
}

export function onChatSubmit(send) {
  $('#chatForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#chatInput');
    if (input.value.trim()) send(input.value.trim());
    input.value = '';
  });
}
