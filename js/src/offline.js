// Bootstrap of an exported board (`jupyter-tb export`, board.export_html): one HTML file with
// this bundle (the whole renderer library inside) and the recorded board in
// <script type="application/json" id="jupyter-tb-record">. Stand-in models replay the
// recorded kernel messages into their inboxes; then the root view renders as in a notebook.
// Everything runs client-side: requests the record did not answer fail with a clear note.
import lib from "./lib.js";
import { openInbox } from "./inboxes.js";
import { replayMessages, standInModel } from "./lib/replay.js";

export function mountRecord(record, el) {
  const models = {};
  for (const [uid, entry] of Object.entries(record.models)) {
    const model = standInModel({ ...entry.state, _uid: uid }, entry.replies || {});
    models[uid] = { model, inbox: openInbox(model), messages: entry.messages };
  }
  for (const { model, messages } of Object.values(models)) replayMessages(model, messages);
  const api = lib.initialize();
  const root = models[record.root];
  return api.render({ model: root.model, el, inbox: root.inbox });
}

const data = typeof document !== "undefined" && document.getElementById("jupyter-tb-record");
if (data) {
  const el = document.getElementById("jupyter-tb-board");
  mountRecord(JSON.parse(data.textContent), el).catch((error) => {
    el.textContent = `jupyter-tb: ${error && error.message ? error.message : error}`;
  });
}
