// Graphs view: a run menu and the interactive DAG of js/src/lib/graph.js. Protocol in
// jupyter_tb/widgets/views/graphs.py. Expanding, collapsing, panning and node details all run in
// the browser; the clicked node's name goes back to Python as `selected_node`.
//
// DOM contract (tests): [data-jtb-graph-run] run select, [data-jtb-graph] the drawing
// (data-visible = items drawn, data-layout-ms, data-draw-ms), [data-jtb-graph-details]
// the details panel; the drawing's toolbar has "Fit", "Collapse all" and "Expand all" buttons,
// [data-jtb-graph-search] (node search; [data-jtb-graph-matches] says how many), [data-jtb-graph-color]
// (select: none|structure|device; legend entries [data-jtb-graph-legend-entry="<name>"]) and
// [data-jtb-graph-trace] (checkbox: trace the selected node's inputs). The drawing also carries
// data-labels / data-min-label-px (text painted, its smallest screen size) and data-zoom.
import { h } from "../lib/dom.js";
import { createGraphView } from "../lib/graph.js";

export default {
  createState() {
    return { runs: [], run: "", graphs: new Map(), version: 0 };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") state.graphs.clear();
    if (msg.type === "reset" || msg.type === "runs") {
      state.runs = msg.runs;
      state.run = msg.run;
    } else if (msg.type === "graph") {
      state.graphs.set(msg.run, msg);
      state.run = msg.run;
    }
    state.version += 1;
  },

  render(ctx) {
    const { state, model } = ctx;
    const select = h("select", { class: "jtb-input", "data-jtb-graph-run": "" });
    const info = h("span", { class: "jtb-progress" });
    const stage = h("div", { "data-jtb-graph": "" });
    const empty = h("div", { class: "jtb-empty", text: "No graph in this logdir yet." });
    ctx.el.append(h("div", { class: "jtb-toolbar" }, [h("label", { class: "jtb-control" }, [h("span", { text: "Run" }), select]), info]), empty, stage);
    let view = null, shown = null;

    select.addEventListener("change", () => {
      model.set("run", select.value);
      model.save_changes();
      if (state.graphs.has(select.value)) state.run = select.value; // else the kernel sends it
      draw();
    });

    function draw() {
      select.replaceChildren(...state.runs.map((run) => h("option", { value: run, text: run === "." ? "(logdir)" : run })));
      const run = state.run;
      select.value = run;
      empty.style.display = state.runs.length ? "none" : "";
      const msg = state.graphs.get(run);
      if (!msg) { info.textContent = state.runs.length ? "loading graph …" : ""; return; }
      if (msg === shown) return;
      shown = msg;
      if (view) { view.destroy(); view = null; }
      stage.replaceChildren();
      if (msg.error) { info.textContent = msg.error; return; }
      info.textContent = `${msg.n_nodes} nodes`;
      view = createGraphView(stage, msg, {
        height: 560,
        onSelect: (name) => {
          model.set("selected_node", name || "");
          model.save_changes();
        },
      });
      stage.querySelector(".jtb-graph-details")?.setAttribute("data-jtb-graph-details", "");
      stage.jtbGraph = view; // a JS property (not markup): lets tests find where items are drawn
      const wanted = model.get("selected_node");
      if (wanted) view.select(wanted);
    }

    const onSelected = () => {
      const name = model.get("selected_node");
      if (view && name && view.state().selected !== name) view.select(name);
    };
    model.on("change:selected_node", onSelected);
    const unsubscribe = ctx.onMessage(() => draw());
    draw();
    return () => {
      unsubscribe();
      model.off("change:selected_node", onSelected);
      if (view) view.destroy();
    };
  },
};
