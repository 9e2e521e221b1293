// Replaying a recorded board (jupyter_tb/widgets/export.py) without a kernel.
// A record is {version, root: uid, models: {uid: {state, messages, replies}}}: each model's
// synced traits, the kernel messages that brought it up to date ([json, [base64 buffer]]
// pairs, exactly as the comm would deliver them) and requests answered ahead of time
// ({"<op> <JSON args>": [json, [base64 buffer]]}).
//   standInModel(state, replies) -> a model with anywidget's get/set/on/off/save_changes/send;
//     send({type: "request"}) answers from `replies`, or fails with a clear "offline" error.
//   replayMessages(model, messages) -> emit each recorded message as "msg:custom".
//   replaySaved(record, inboxes, deliver) -> a saved notebook's record (the _replay trait)
//     into the inboxes of its models that have heard nothing from a kernel.
//   mountRecord(record, el, render) -> a whole record drawn into `el` with stand-in models
//     (an exported file: offline.js; an nbconvert page: page_boot.js through lib.js's api).
import { openInbox } from "../inboxes.js";

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function decodeEntry([msg, buffers]) {
  return [msg, (buffers || []).map(base64Bytes)];
}

// Key of a request, the same as export.py's request_key (sorted argument names).
export function requestKey(op, args) {
  const sorted = {};
  for (const name of Object.keys(args || {}).sort()) sorted[name] = args[name];
  return `${op} ${JSON.stringify(sorted)}`;
}

export const OFFLINE_ERROR = "not available in this offline copy (no kernel)";

export function standInModel(state, replies = {}) {
  const values = { ...state };
  const handlers = new Map();
  const emit = (event, ...args) => {
    for (const fn of [...(handlers.get(event) || [])]) {
      try { fn(...args); } catch (error) { console.error(error); }
    }
  };
  return {
    get: (name) => values[name],
    set(name, value) {
      values[name] = value;
      emit(`change:${name}`, this, value);
    },
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(fn);
    },
    off(event, fn) {
      if (!event) handlers.clear();
      else if (!fn) handlers.delete(event);
      else handlers.get(event)?.delete(fn);
    },
    save_changes() {},
    send(msg) {
      if (!msg || msg.type !== "request") return; // "hello": nobody to answer
      const recorded = replies[requestKey(msg.op, msg.args)];
      // answered asynchronously, like a kernel, so the caller's promise is set up first
      setTimeout(() => {
        if (recorded) {
          const [reply, buffers] = decodeEntry(recorded);
          emit("msg:custom", { ...reply, type: "reply", id: msg.id }, buffers);
        } else {
          emit("msg:custom", { type: "reply", id: msg.id, error: OFFLINE_ERROR }, []);
        }
      }, 0);
    },
    emit,
  };
}

export function replayMessages(model, messages) {
  for (const entry of messages || []) {
    const [msg, buffers] = decodeEntry(entry);
    model.emit("msg:custom", msg, buffers);
  }
}

export function replaySaved(record, inboxes, deliver) {
  return Promise.all(Object.entries(record.models || {}).map(async ([uid, entry]) => {
    const inbox = await inboxes.get(uid);
    if (inbox.received > 0) return; // a kernel answered after all
    for (const recorded of entry.messages || []) {
      const [msg, buffers] = decodeEntry(recorded);
      deliver(inbox, msg, buffers);
    }
  }));
}

export function mountRecord(record, el, render) {
  const models = {};
  for (const [uid, entry] of Object.entries(record.models || {})) {
    const model = standInModel({ ...entry.state, _uid: uid }, entry.replies || {});
    models[uid] = { model, inbox: openInbox(model), messages: entry.messages };
  }
  for (const { model, messages } of Object.values(models)) replayMessages(model, messages);
  const root = models[record.root];
  if (!root) return Promise.reject(new Error("the saved board has no data"));
  return render({ model: root.model, el, inbox: root.inbox });
}
