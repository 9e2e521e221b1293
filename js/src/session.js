// One session per widget model: folds the kernel's messages (queued in the model's inbox by
// widget.js since the model was created) into the view's state, notifies rendered views, and
// pairs requests with replies.
import { decode } from "./lib/wire.js";

export function sessionFor(inbox, view) {
  if (inbox.session) return inbox.session;
  const listeners = new Set();
  const pending = new Map();
  let nextId = 1;
  const session = {
    state: view.createState ? view.createState() : {},
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    request(op, args = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        inbox.model.send({ type: "request", id, op, args });
      });
    },
    receive(raw, buffers) {
      let msg;
      try {
        msg = decode(raw, buffers);
      } catch (error) {
        console.error("jupyter-tb: undecodable message", error);
        return;
      }
      if (msg.type === "reply") {
        const waiter = pending.get(msg.id);
        pending.delete(msg.id);
        if (!waiter) return;
        if (msg.error) waiter.reject(new Error(msg.error)); else waiter.resolve(msg.data);
        return;
      }
      try {
        // the catalog every tagged view shares: {runs, tags: {run: [tag]}} on reset/catalog
        if ((msg.type === "reset" || msg.type === "catalog") && Array.isArray(msg.runs)) {
          session.state.runs = msg.runs;
          if (msg.tags) session.state.tags = msg.tags;
        }
        if (view.onMessage) view.onMessage(session.state, msg);
      } catch (error) {
        console.error("jupyter-tb: message not applied", msg.type, error);
      }
      for (const fn of [...listeners]) {
        try { fn(msg); } catch (error) { console.error(error); }
      }
    },
  };
  inbox.session = session;
  inbox.listener = session.receive;
  for (const [msg, buffers] of inbox.queue.splice(0)) session.receive(msg, buffers);
  return session;
}
