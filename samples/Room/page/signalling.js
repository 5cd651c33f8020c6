// The signalling socket (PROTOCOL.md): requests with ids and replies, notifications pushed by the server.
export class Signalling {
  constructor(url, { onNotification, onClose }) {
    this.nextId = 1;
    this.pending = new Map();
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve());
      this.socket.addEventListener('error', () => reject(new Error('the signalling socket failed to open')));
    });
    this.socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.notification) { onNotification(message.notification, message.data ?? {}); return; }
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.data ?? {});
      else pending.reject(Object.assign(new Error(`${message.error.code}: ${message.error.message}`), { code: message.error.code }));
    });
    this.socket.addEventListener('close', (event) => {
      for (const p of this.pending.values()) p.reject(new Error(`socket closed (${event.code})`));
      this.pending.clear();
      onClose(event);
    });
  }

  async request(method, data = {}) {
    await this.opened;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, data }));
    });
  }

  close(code = 1000, reason = 'leave') {
    try { this.socket.close(code, reason); } catch { /* already closed */ }
  }
}
