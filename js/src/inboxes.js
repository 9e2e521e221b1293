// Per-model inboxes, shared by widget.js (live models), offline.js (an exported board's
// stand-in models) and the dashboard (which finds its tabs' inboxes by _uid).
// openInbox(model) queues the model's "msg:custom" messages until a session takes them
// (they can arrive before the library is loaded or before any view is shown) and registers
// the inbox under the model's _uid.
// inboxes().instantiate(uid), when a host loader sets it, brings up a model whose inbox is
// asked for but missing: hosts that only instantiate displayed models (marimo) never ran a
// dashboard tab's initialize (widget.js sets it; a view's _uid is its model id).
const INBOXES = Symbol.for("jupyter_tb.inboxes");

export function inboxes() {
  if (!globalThis[INBOXES]) {
    const entries = new Map();
    const waiting = new Map();
    const registry = {
      entries,
      put(uid, inbox) {
        entries.set(uid, inbox);
        for (const resolve of waiting.get(uid) || []) resolve(inbox);
        waiting.delete(uid);
      },
      instantiate: null,
      get(uid) {
        if (entries.has(uid)) return Promise.resolve(entries.get(uid));
        const inbox = new Promise((resolve) => waiting.set(uid, [...(waiting.get(uid) || []), resolve]));
        if (registry.instantiate) registry.instantiate(uid);
        return inbox;
      },
    };
    globalThis[INBOXES] = registry;
  }
  return globalThis[INBOXES];
}

// One message into an inbox: to its session, or queued until a session takes it.
export function deliver(inbox, msg, buffers) {
  inbox.received += 1;
  if (inbox.listener) inbox.listener(msg, buffers);
  else inbox.queue.push([msg, buffers]);
}

export function openInbox(model) {
  const inbox = { model, queue: [], listener: null, received: 0 };
  // Every snapshot starts with "reset". Until one arrives a view has nothing for deltas to
  // add to: a host that dropped the first snapshot (marimo, which runs the view's code late)
  // would draw the points of a few deltas alone until the snapshot is sent again, and that
  // snapshot holds them. Replies to requests pass.
  let snapshotSeen = false;
  const take = (msg, buffers) => {
    if (msg && msg.type === "reset") snapshotSeen = true;
    else if (!snapshotSeen && !(msg && msg.type === "reply")) return;
    deliver(inbox, msg, buffers);
  };
  model.on("msg:custom", (msg, buffers) => {
    if (msg && msg.type === "library") return; // the renderer library, for widget.js's loader
    // a snapshot sent again (jupyter_tb/widgets/redelivery.py): applied in one go
    if (msg && msg.type === "batch" && Array.isArray(msg.messages)) msg.messages.forEach((m) => take(m, buffers));
    else take(msg, buffers);
  });
  inboxes().put(model.get("_uid"), inbox);
  return inbox;
}
