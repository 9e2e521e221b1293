// The panel half: one SideBoard per (notebook session, board title) in JupyterLab's shell,
// holding a widget-view renderer from the notebook's own rendermime registry. Panels close
// with the notebook, on a kernel restart or change, and when the board's model is closed.
import { Panel } from "@lumino/widgets";
import { LabIcon } from "@jupyterlab/ui-components";
import { WIDGET_VIEW_MIME, widgetViewModel } from "./request.js";

const boardIcon = new LabIcon({
  name: "jupyter-tb:board",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">' +
    '<path class="jp-icon3" fill="none" stroke="#616161" stroke-width="2" ' +
    'd="M3 3v18h18M6 16l4-5 3 3 6-8"/></svg>',
});

// Kernel states after which the board's model no longer exists in the kernel.
const GONE = new Set(["restarting", "autorestarting", "dead"]);

let counter = 0;

/** A panel in the shell showing one view of one board model. */
class SideBoard extends Panel {
  constructor(request) {
    super();
    this.id = `jupyter-tb-side-${++counter}`;
    this.addClass("jp-tb-SidePanel");
    this.title.icon = boardIcon;
    this.title.closable = true;
    this.setRequest(request);
  }

  // Closing the tab ends this view (Lab only detaches a closed widget): the cell's
  // "Show side panel" button then builds a fresh one.
  onCloseRequest(msg) {
    super.onCloseRequest(msg);
    this.dispose();
  }

  setRequest(request) {
    this.modelId = request.modelId;
    this.title.label = request.title; // lumino renders labels as text
    this.title.caption = `${request.title} (jupyter-tb, live)`;
  }

  /** Swap in the view of a new model (the same board title re-run in the notebook). */
  setView(view, request) {
    for (const old of [...this.widgets]) old.dispose();
    this.setRequest(request);
    this.addWidget(view);
    // The model was closed in Python (board.close()): its view goes, and so does the panel.
    const inner = view.widgets && view.widgets[0];
    if (inner) {
      inner.disposed.connect(() => {
        if (this.modelId === request.modelId && !this.isDisposed) this.dispose();
      });
    }
  }
}

export class SidePanels {
  constructor(app) {
    this._app = app;
    this._boards = new Map(); // key -> SideBoard
  }

  /** Only JupyterLab's shell has split-able main area and sidebars for us to use. */
  get supported() {
    const shell = this._app.shell;
    return typeof shell.mode === "string" && typeof shell.activateById === "function";
  }

  /**
   * Show `request`'s model beside the notebook `host`. Resolves "shown" when a live view
   * is on screen, "missing" when the model no longer exists (a reopened notebook whose
   * kernel has gone), so a stale board never pops up on its own.
   */
  async open(request, host, { activate = false } = {}) {
    const key = `${host.owner ? host.owner.id : ""}\u0000${request.title}`;
    let board = this._boards.get(key);
    if (board && board.isDisposed) board = undefined;
    if (board && board.modelId === request.modelId) {
      if (activate) this._app.shell.activateById(board.id);
      return "shown";
    }
    const view = host.rendermime.createRenderer(WIDGET_VIEW_MIME);
    await view.renderModel(widgetViewModel(request));
    if (!view.node.children.length) {
      view.dispose();
      return "missing";
    }
    if (board) {
      board.setView(view, request);
    } else {
      board = new SideBoard(request);
      board.setView(view, request);
      this._boards.set(key, board);
      board.disposed.connect(() => {
        if (this._boards.get(key) === board) this._boards.delete(key);
      });
      this._closeWithSession(board, host.sessionContext);
      this._add(board, request.anchor, host.owner);
    }
    if (activate || request.anchor === "right") this._app.shell.activateById(board.id);
    return "shown";
  }

  _add(board, anchor, owner) {
    const shell = this._app.shell;
    if (anchor === "right") {
      shell.add(board, "right", { rank: 900 });
    } else {
      // Beside the notebook, not over it: a board needs width that a sidebar rarely has.
      shell.add(board, "main", { mode: "split-right", ref: owner ? owner.id : null, activate: false });
    }
  }

  _closeWithSession(board, sessionContext) {
    if (!sessionContext) return;
    const close = () => {
      if (!board.isDisposed) board.dispose();
    };
    const onStatus = (_, status) => {
      if (GONE.has(status)) close();
    };
    sessionContext.statusChanged.connect(onStatus);
    sessionContext.kernelChanged.connect(close);
    sessionContext.disposed.connect(close);
    board.disposed.connect(() => {
      sessionContext.statusChanged.disconnect(onStatus);
      sessionContext.kernelChanged.disconnect(close);
      sessionContext.disposed.disconnect(close);
    });
  }
}
