// The in-cell half: a renderer for the side-panel mime type. It reads the request
// ({model_id, title, anchor}), finds the notebook's rendermime registry and session by
// walking up its own widget tree, asks SidePanels to show the model, and leaves a short
// note in the cell with a button that brings the panel back after it was closed.
import { Panel, Widget } from "@lumino/widgets";

export const SIDEPANEL_MIME = "application/vnd.jupyter-tb.sidepanel+json";
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
export const ANCHORS = ["split-right", "right"];

/** Validate the kernel's request; user-written strings stay strings (shown as text only). */
export function parseRequest(data) {
  if (!data || typeof data !== "object") throw new Error("side-panel request is not an object");
  const { model_id: modelId, title = "TensorBoard", anchor = "split-right" } = data;
  if (typeof modelId !== "string" || !modelId) throw new Error("side-panel request has no model_id");
  if (typeof title !== "string") throw new Error("side-panel title must be a string");
  if (!ANCHORS.includes(anchor)) throw new Error(`side-panel anchor must be one of ${ANCHORS.join(", ")}`);
  return { modelId, title, anchor };
}

/**
 * The notebook (or console) this output lives in: the nearest ancestor's rendermime
 * registry (the output area's, bound to that document's widget manager) and the nearest
 * ancestor with a session (the notebook panel, whose id anchors a split-right panel).
 */
export function findHost(widget) {
  let rendermime = null;
  let owner = null;
  for (let w = widget.parent; w; w = w.parent) {
    if (!rendermime && w.rendermime && typeof w.rendermime.createRenderer === "function") {
      rendermime = w.rendermime;
    }
    if (!owner && w.sessionContext) owner = w;
  }
  return { rendermime, owner, sessionContext: owner ? owner.sessionContext : null };
}

export class SidePanelRequest extends Panel {
  constructor(options, panels) {
    super();
    this.addClass("jp-tb-SideRequest");
    this._mimeType = options.mimeType;
    this._panels = panels;
    this._request = null;
    this._note = new Widget();
    this._note.addClass("jp-tb-SideNote");
    this.addWidget(this._note);
  }

  async renderModel(model) {
    try {
      this._request = parseRequest(model.data[this._mimeType]);
    } catch (err) {
      this._request = null;
      this._say(`jupyter-tb: ${err.message}`);
      return;
    }
    this._say("Opening the board in the side panel…");
    // The host is only known once this output sits in the notebook's widget tree.
    if (this.isAttached) await this._show(false);
  }

  onAfterAttach(msg) {
    super.onAfterAttach(msg);
    if (this._request && !this._shown) void this._show(false);
  }

  async _show(activate) {
    const request = this._request;
    const host = findHost(this);
    if (!request || !host.rendermime) {
      this._say("jupyter-tb: could not find this notebook's widgets to show the board.");
      return;
    }
    this._shown = true;
    if (!this._panels.supported) {
      this._showInline(host);
      return;
    }
    let outcome;
    try {
      outcome = await this._panels.open(request, host, { activate });
    } catch (err) {
      console.error("jupyter-tb side panel:", err);
      outcome = "failed";
    }
    if (this.isDisposed) return;
    const text = {
      shown: `“${request.title}” is shown in the side panel.`,
      missing: `“${request.title}” is no longer live (its kernel has ended or restarted): run the cell again.`,
      failed: `jupyter-tb: could not open “${request.title}” in the side panel (see the browser console).`,
    }[outcome];
    this._say(text, outcome === "failed" ? null : "Show side panel");
  }

  // An application without JupyterLab's shell (Notebook 7's notebook page): the board
  // still renders, here in the cell, through the same widget-view renderer.
  async _showInline(host) {
    this._say("The side panel needs JupyterLab; the board is shown here instead.");
    if (this._inlineView) this._inlineView.dispose();
    const view = host.rendermime.createRenderer(WIDGET_VIEW_MIME);
    this._inlineView = view;
    this.addWidget(view);
    await view.renderModel(widgetViewModel(this._request));
  }

  // The note is built from text nodes only: the title is user-written.
  _say(text, buttonLabel = null) {
    const node = this._note.node;
    node.replaceChildren();
    const span = document.createElement("span");
    span.textContent = text;
    node.appendChild(span);
    if (buttonLabel) {
      const button = document.createElement("button");
      button.className = "jp-tb-SideNote-show";
      button.textContent = buttonLabel;
      button.addEventListener("click", () => void this._show(true));
      node.appendChild(button);
    }
  }
}

/** A mime model asking the widget-view renderer for a view of `modelId`. */
export function widgetViewModel({ modelId, title }) {
  return {
    trusted: true,
    data: {
      [WIDGET_VIEW_MIME]: { model_id: modelId, version_major: 2, version_minor: 0 },
      "text/plain": title,
    },
    metadata: {},
    setData() {},
  };
}
