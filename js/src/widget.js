// The tiny ESM every jupyter-tb view widget carries (the heavy code is static/lib.js, loaded
// once per page by the kernel's single _Library model; see jupyter_tb/widgets/library.py).
//
// initialize(): queue the kernel's messages for this model in an "inbox" (they can arrive
//   before the library is loaded or before any view is shown) and register the inbox under
//   the model's _uid so a dashboard can find its child views.
// render(): wait for the library, then let it render the view named by the model's _kind.
import { inboxes, openInbox } from "./inboxes.js";

const LIB = Symbol.for("jupyter_tb.lib");
const REPLAY_AFTER_MS = 2500; // a kernel answers "hello" well within this when it is idle

function waitForGlobalLibrary() {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (globalThis[LIB]) resolve(globalThis[LIB]);
      else if (Date.now() - started > 60000) reject(new Error("jupyter-tb: the renderer library did not load"));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

async function library(model, host) {
  const ref = model.get("_lib");
  if (host && host.getWidget && ref) {
    try {
      const lib = await host.getWidget(ref);
      if (lib && lib.exports && lib.exports.render) return lib.exports;
    } catch (error) {
      console.warn("jupyter-tb: falling back to the page-global library", error);
    }
  }
  return globalThis[LIB] || waitForGlobalLibrary();
}

export default {
  initialize({ model }) {
    const inbox = openInbox(model);
    // A reloaded page gets no pushed snapshot: ask for one (answered when the kernel is idle).
    setTimeout(() => {
      if (inbox.received === 0) model.send({ type: "hello" });
    }, 500);
    // No kernel (a saved notebook reopened): show the board's saved last data, if any.
    setTimeout(() => {
      const saved = model.get("_replay");
      if (inbox.received !== 0 || !saved) return;
      waitForGlobalLibrary()
        .then((lib) => lib.replaySaved && lib.replaySaved(saved))
        .catch((error) => console.warn("jupyter-tb: saved board", error));
    }, REPLAY_AFTER_MS);
    return { inbox };
  },
  async render({ model, el, host, signal }) {
    el.textContent = "jupyter-tb: loading…";
    try {
      const lib = await library(model, host);
      const inbox = await inboxes().get(model.get("_uid"));
      el.textContent = "";
      const dispose = await lib.render({ model, el, inbox, host, signal });
      model.send({ type: "rendered" }); // the kernel stops refreshing this output's static picture
      return dispose;
    } catch (error) {
      el.textContent = `jupyter-tb: ${error && error.message ? error.message : error}`;
    }
  },
};
