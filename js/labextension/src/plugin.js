// JupyterLab plugin: renders `application/vnd.jupyter-tb.sidepanel+json` outputs by
// opening a view of the named widget model in a panel beside the notebook.
//
// How it reaches the widget model: the output sits inside the notebook's own output area,
// whose rendermime registry already holds the widget-view renderer bound to that notebook's
// widget manager (registered by @jupyter-widgets/jupyterlab-manager). We ask that same
// registry for a widget-view renderer and mount it in the side panel, so the panel shows
// a second view of the SAME model and keeps receiving the kernel's live updates. Nothing
// here depends on the widget manager's internals or on what kind of widget the model is.
//
// Everything imported below is a JupyterLab core package: @jupyter/builder shares them from
// the running application (never bundled), so this extension installs nothing at run time.
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { SidePanelRequest, SIDEPANEL_MIME } from "./request.js";
import { SidePanels } from "./panels.js";

// Ranked before the widget-view renderer (-10): the kernel sends both mime types in one
// bundle, so front-ends without this extension fall back to showing the board inline.
const RANK = -20;

const plugin = {
  id: "jupyter-tb:sidepanel",
  description: "Shows jupyter-tb boards in a panel beside the notebook.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate(app, rendermime) {
    const panels = new SidePanels(app);
    // Registered on the global registry before any notebook exists; each notebook's
    // registry is a clone of it, so every notebook output area knows this mime type.
    rendermime.addFactory(
      {
        safe: false, // like the widget-view renderer: it runs widget code
        mimeTypes: [SIDEPANEL_MIME],
        defaultRank: RANK,
        createRenderer: (options) => new SidePanelRequest(options, panels),
      },
      RANK,
    );
  },
};

export default plugin;
