// The tiny ESM every jupyter-tb view widget carries (the heavy code is static/lib.js, loaded
// once per page by the kernel's single _Library model; see jupyter_tb/widgets/library.py,
// which also says why each fallback below exists: marimo, hosts without host.getWidget).
//
// initialize(): queue the kernel's messages for this model in an "inbox" (they can arrive
//   before the library is loaded or before any view is shown) and register the inbox under
//   the model's _uid so a dashboard can find its child views.
// render(): wait for the library, then let it render the view named by the model's _kind.
import { inboxes, openInbox } from "./inboxes.js";
import { adoptStyles, followPageTheme } from "./shadow_root.js";

const LIB = Symbol.for("jupyter_tb.lib");
const LIB_FROM_KERNEL = Symbol.for("jupyter_tb.lib.fromKernel");
const REPLAY_AFTER_MS = 2500; // a kernel answers "hello" well within this when it is idle
const ASK_KERNEL_AFTER_MS = 1500; // no host.getWidget and no library in the page by then
const KERNEL_ANSWER_MS = 15000; // then the next view may ask again
const GIVE_UP_MS = 60000;

// Once per page: the kernel answers {type: "library"} with lib.js as one binary buffer,
// imported from a Blob URL (as anywidget itself imports every _esm).
function libraryFromKernel(model) {
  if (!globalThis[LIB_FROM_KERNEL]) {
    const asked = new Promise((resolve, reject) => {
      const onMessage = (msg, buffers) => {
        if (!msg || msg.type !== "library" || !buffers || !buffers.length) return;
        model.off("msg:custom", onMessage);
        const url = URL.createObjectURL(new Blob([buffers[0]], { type: "text/javascript" }));
        import(url)
          .then((module) => resolve(module.default.initialize()), reject)
          .finally(() => URL.revokeObjectURL(url));
      };
      model.on("msg:custom", onMessage);
      model.send({ type: "library" });
      setTimeout(() => {
        model.off("msg:custom", onMessage);
        if (globalThis[LIB_FROM_KERNEL] === asked) delete globalThis[LIB_FROM_KERNEL];
        reject(new Error("the kernel did not send the renderer library"));
      }, KERNEL_ANSWER_MS);
    });
    globalThis[LIB_FROM_KERNEL] = asked;
  }
  return globalThis[LIB_FROM_KERNEL];
}

// The library: the _lib model's exports (anywidget's host.getWidget), else the one another
// view already put in the page, else (`fromKernel`, and the host cannot bring the _lib model
// up) the kernel's copy.
function library(model, host, fromKernel) {
  return new Promise((resolve, reject) => {
    const ref = host && host.getWidget && model.get("_lib");
    const started = Date.now();
    let settled = false;
    let askKernel = fromKernel && !ref;
    const take = (lib) => {
      if (!settled && lib && lib.render) {
        settled = true;
        resolve(lib);
      }
    };
    if (ref) {
      host.getWidget(ref).then(
        (widget) => take(widget && widget.exports),
        (error) => {
          console.warn("jupyter-tb: library model", error);
          askKernel = fromKernel;
        },
      );
    }
    const poll = () => {
      if (settled) return;
      if (globalThis[LIB]) return take(globalThis[LIB]);
      const waited = Date.now() - started;
      if (askKernel && waited > ASK_KERNEL_AFTER_MS) {
        askKernel = false;
        libraryFromKernel(model).then(take, (error) => console.warn("jupyter-tb:", error));
      }
      if (waited > GIVE_UP_MS) {
        settled = true;
        reject(new Error("the renderer library did not load"));
      } else setTimeout(poll, 20);
    };
    poll();
  });
}

export default {
  initialize({ model }) {
    const inbox = openInbox(model);
    // A reloaded page gets no pushed snapshot: ask for one (answered when the kernel is idle).
    // So does a model the host brought up after the kernel pushed (marimo: see library.py).
    // Either way the kernel learns that this model listens (jupyter_tb/widgets/redelivery.py).
    setTimeout(() => model.send({ type: inbox.received === 0 ? "hello" : "ready" }), 500);
    // No kernel (a saved notebook reopened): show the board's saved last data, if any.
    setTimeout(() => {
      const saved = model.get("_replay");
      if (inbox.received !== 0 || !saved) return;
      library(model, null, false) // the saved _Library model's, once the page loaded it
        .then((lib) => lib.replaySaved && lib.replaySaved(saved))
        .catch((error) => console.warn("jupyter-tb: saved board", error));
    }, REPLAY_AFTER_MS);
    return { inbox };
  },
  async render({ model, el, host, signal }) {
    el.textContent = "jupyter-tb: loading…";
    try {
      if (host && host.getWidget) {
        // a dashboard's tab whose model the host never initialized: bring it up by its uid
        inboxes().instantiate = (uid) =>
          host.getWidget(`anywidget:${uid}`).catch((error) => console.warn("jupyter-tb: view", uid, error));
      }
      const lib = await library(model, host, true);
      const inbox = await inboxes().get(model.get("_uid"));
      el.textContent = "";
      adoptStyles(el);
      followPageTheme(el, signal);
      const dispose = await lib.render({ model, el, inbox, host, signal });
      model.send({ type: "rendered" }); // a browser shows it: the kernel redraws its picture off the cell
      return dispose;
    } catch (error) {
      el.textContent = `jupyter-tb: ${error && error.message ? error.message : error}`;
    }
  },
};
