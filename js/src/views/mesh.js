// Mesh view: per logged mesh a card; for each shown run its vertices as a 3-D point cloud
// (js/src/lib/scatter.js: WebGL, drag orbits, wheel zooms), coloured as logged or in the
// run's colour. Protocol in jupyter_tb/widgets/views/mesh.py (the latest step of each mesh).
// DOM: [data-jtb-mesh-card="<mesh>"], [data-jtb-mesh="<run>"] (plot; data-jtb-step).
import { h } from "../lib/dom.js";
import { hexToRgb } from "../lib/colors.js";
import { createScatter } from "../lib/scatter.js";
import { seriesKey } from "../lib/steps.js";

// RGBA bytes per point: the logged (n, 3) colours, else the run's colour everywhere
function pointColors(msg, fallback) {
  const n = msg.vertices.length / 3;
  const out = new Uint8Array(4 * n);
  const rgb = hexToRgb(fallback);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = msg.colors && msg.colors.length >= 3 * n ? msg.colors[3 * i + c] : rgb[c];
    out[4 * i + 3] = 255;
  }
  return out;
}

export default {
  createState() {
    return { runs: [], tags: {}, meshes: new Map() };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") state.meshes.clear();
    if (msg.type === "mesh") {
      state.meshes.set(seriesKey(msg.run, msg.tag), msg);
    }
  },

  render(ctx) {
    const { state, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No meshes yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));

    function makeCard(tag) {
      const row = h("div", { class: "jtb-image-row" });
      const el = h("div", { class: "jtb-card jtb-wide", "data-jtb-mesh-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        row,
      ]);
      return { el, tag, row, cells: new Map() };
    }

    function dropCell(cell) { cell.plot.destroy(); cell.el.remove(); }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.meshes.has(seriesKey(run, card.tag)));
      const keep = new Set(runs);
      for (const [run, cell] of card.cells) if (!keep.has(run)) { dropCell(cell); card.cells.delete(run); }
      for (const run of runs) {
        const msg = state.meshes.get(seriesKey(run, card.tag));
        let cell = card.cells.get(run);
        if (!cell) {
          const info = h("span", { class: "jtb-count" });
          const plotEl = h("div", { class: "jtb-mesh-plot", "data-jtb-mesh": run });
          const el = h("div", { class: "jtb-mesh-cell" }, [
            h("div", { class: "jtb-caption" }, [
              h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
              h("span", { class: "jtb-run-name", text: run }), info,
            ]),
            plotEl,
          ]);
          cell = { el, info, plotEl, plot: createScatter(plotEl, { height: 320 }), shown: null };
          card.cells.set(run, cell);
        }
        card.row.append(cell.el);
        if (cell.shown === msg) continue; // this step is already on screen
        cell.shown = msg;
        const faces = msg.faces ? msg.faces.length / 3 : 0;
        cell.info.textContent = `step ${msg.step} · ${msg.vertices.length / 3} vertices${faces ? ` · ${faces} faces` : ""}`;
        cell.plotEl.setAttribute("data-jtb-step", String(msg.step));
        cell.plot.update({ positions: msg.vertices, dims: 3, colors: pointColors(msg, selection.color(run)) });
      }
    }

    function dropCard(card) { for (const cell of card.cells.values()) dropCell(cell); card.cells.clear(); }
    ctx.showTagCards(list, empty, { makeCard, drawCard, dropCard });
  },
};
