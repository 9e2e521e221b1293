// Bootstrap of an exported board (`jupyter-tb export`, board.export_html): one HTML file with
// this bundle (the whole renderer library inside) and the recorded board in
// <script type="application/json" id="jupyter-tb-record">. The library's mountRecord replays
// the recorded kernel messages into stand-in models; then the root view renders as in a
// notebook. Everything runs client-side: requests the record did not answer fail with a clear note.
import lib from "./lib.js";

const data = typeof document !== "undefined" && document.getElementById("jupyter-tb-record");
if (data) {
  const el = document.getElementById("jupyter-tb-board");
  lib.initialize().mountRecord(JSON.parse(data.textContent), el).catch((error) => {
    el.textContent = `jupyter-tb: ${error && error.message ? error.message : error}`;
  });
}
