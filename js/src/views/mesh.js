// Mesh view: per logged mesh a card with a step selector; for each shown run the mesh at (or
// before) that step, drawn by lib/meshview.js: faces shaded in the logged vertex colours (points
// when no faces were logged; the run's colour when no colours were), axes, orbit camera.
// Protocol in jupyter_tb/widgets/views/mesh.py: steps pushed, meshes of small series pushed,
// others requested (answered once the kernel is idle).
// DOM: [data-jtb-mesh-card="<mesh>"], [data-jtb-step-slider] / [data-jtb-step-value] (per card),
// [data-jtb-mesh="<run>"] (plot; data-jtb-step = step drawn, data-jtb-mesh-mode = faces|points,
// data-jtb-faces = faces drawn; its first child is the WebGL canvas, data-jtb-drawn = frames).
import { h } from "../lib/dom.js";
import { createMeshView } from "../lib/meshview.js";
import { atOrBefore, createStepSlider, runCaption, seriesKey, unionSteps } from "../lib/steps.js";

export default {
  createState() {
    return { runs: [], tags: {}, steps: new Map(), meshes: new Map() };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") { state.steps.clear(); state.meshes.clear(); }
    const key = seriesKey(msg.run, msg.tag);
    if (msg.type === "mesh_steps") state.steps.set(key, { steps: Array.from(msg.steps) });
    if (msg.type === "mesh") {
      if (!state.meshes.has(key)) state.meshes.set(key, new Map());
      state.meshes.get(key).set(msg.step, msg);
    }
  },

  render(ctx) {
    const { state, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No meshes yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));
    const asked = new Set();

    // the mesh of (run, tag) at `step`, or null after asking the kernel for it once
    function meshAt(run, tag, step, redraw, failed) {
      const key = seriesKey(run, tag);
      const mesh = state.meshes.get(key)?.get(step);
      if (mesh) return mesh;
      const ask = JSON.stringify([run, tag, step]);
      if (!asked.has(ask)) {
        asked.add(ask);
        ctx.request("mesh", { run, tag, step }).then((reply) => {
          if (!state.meshes.has(key)) state.meshes.set(key, new Map());
          state.meshes.get(key).set(step, reply);
          redraw();
        }).catch(failed);
      }
      return null;
    }

    function makeCard(tag) {
      const row = h("div", { class: "jtb-image-row" });
      const card = { tag, row, cells: new Map() };
      card.steps = createStepSlider({ onChange: () => drawCard(card) });
      card.el = h("div", { class: "jtb-card jtb-wide", "data-jtb-mesh-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        card.steps.el,
        row,
      ]);
      return card;
    }

    function dropCell(cell) { cell.plot.destroy(); cell.el.remove(); }

    function cellFor(card, run) {
      let cell = card.cells.get(run);
      if (cell) return cell;
      const info = h("span", { class: "jtb-count" });
      const plotEl = h("div", { class: "jtb-mesh-plot", "data-jtb-mesh": run });
      const el = h("div", { class: "jtb-mesh-cell" }, [
        runCaption(selection, run, info),
        plotEl,
      ]);
      cell = { el, info, plotEl, plot: createMeshView(plotEl, { height: 320 }), shown: null };
      card.cells.set(run, cell);
      return cell;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.steps.has(seriesKey(run, card.tag)));
      const wanted = card.steps.setSteps(unionSteps(runs.map((run) => state.steps.get(seriesKey(run, card.tag))))) ?? 0;
      const keep = new Set(runs);
      for (const [run, cell] of card.cells) if (!keep.has(run)) { dropCell(cell); card.cells.delete(run); }
      for (const run of runs) {
        const cell = cellFor(card, run);
        card.row.append(cell.el);
        const { steps } = state.steps.get(seriesKey(run, card.tag));
        const index = atOrBefore(steps, wanted);
        if (index < 0) { cell.info.textContent = "no mesh at or before this step"; continue; }
        const step = steps[index];
        const msg = meshAt(run, card.tag, step, () => drawCard(card), (error) => { cell.info.textContent = error.message; });
        if (!msg) { cell.info.textContent = `step ${step}: loading (waits for an idle kernel)…`; continue; }
        if (cell.shown === msg) continue; // this step is already on screen
        cell.shown = msg;
        const faces = msg.faces ? msg.faces.length / 3 : 0;
        const wall = Number.isFinite(msg.wall) ? ` · ${new Date(msg.wall * 1000).toLocaleString()}` : "";
        cell.info.textContent = `step ${msg.step}${wall} · ${msg.vertices.length / 3} vertices${faces ? ` · ${faces} faces` : ""}`;
        cell.plotEl.setAttribute("data-jtb-step", String(msg.step));
        cell.plot.update({ vertices: msg.vertices, faces: msg.faces, colors: msg.colors, color: selection.color(run) });
      }
    }

    function dropCard(card) { for (const cell of card.cells.values()) dropCell(cell); card.cells.clear(); }
    ctx.showTagCards(list, empty, { makeCard, drawCard, dropCard });
  },
};
