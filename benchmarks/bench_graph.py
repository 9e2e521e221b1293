"""Graph view at 5,000 nodes in real Chromium: layout and paint times of js/src/lib/graph.js.

Builds a TF-style 5,000-op GraphDef (tests/support/graph_hparams_fixtures.py), turns it into the
column model (jupyter_tb/graph_model.py), bundles graph.js with esbuild and drives it in
headless Chromium (Debian's, through Playwright). Prints one line per step:
layout (ms, from the view's own timer; 0-ish when the layout cache answers), items shown,
and paint time per frame while panning.

    /work/venv/bin/python benchmarks/bench_graph.py [--nodes 5000] [--screenshot DIR] [--lab]

``--lab`` also shows ``jupyter_tb.graphs(logdir)`` in real JupyterLab for a logdir holding
the graph as a graph_def event, and times the cell's run to the first drawn graph (reader,
model build, comm transfer of the buffers, layout and paint).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks.static_page import bundle, launch
from jupyter_tb.compute.graph_model import build_graph_model
from tests.support.graph_hparams_fixtures import tf_style_graph

ROOT = Path(__file__).resolve().parents[1]

HARNESS = """
import { createGraphView } from "./src/lib/graph.js";
window.__graph = { createGraphView };
"""


def model_json(n_nodes: int) -> str:
    m = build_graph_model(tf_style_graph(n_nodes))
    data = {k: v.tolist() for k, v in m.arrays().items()}
    data["strings"] = m.strings
    return json.dumps(data)


PAGE_SETUP = """
async (modelText) => {
  const raw = JSON.parse(modelText);
  const types = { kind: Uint8Array, edge_control: Uint8Array };
  const model = { strings: raw.strings };
  for (const [k, v] of Object.entries(raw)) if (k !== "strings") model[k] = new (types[k] || Int32Array)(v);
  const el = document.getElementById("root");
  const t0 = performance.now();
  window.view = window.__graph.createGraphView(el, model, { height: 700 });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return { first_ms: performance.now() - t0, layout_ms: window.view.timings.layout_ms, ...window.view.state() };
}
"""

STEP = """
async ([action, name]) => {
  const t0 = performance.now();
  window.view[action](name);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return { total_ms: performance.now() - t0, layout_ms: window.view.timings.layout_ms,
           cached: window.view.timings.cached, draw_ms: window.view.timings.draw_ms, ...window.view.state() };
}
"""

PAN = """
async (frames) => {
  const canvas = document.querySelector("canvas");
  const r = canvas.getBoundingClientRect();
  const draws = [];
  const x0 = r.left + r.width / 2, y0 = r.top + r.height / 2;
  canvas.dispatchEvent(new PointerEvent("pointerdown", { clientX: x0, clientY: y0, pointerId: 1, bubbles: true }));
  for (let f = 0; f < frames; f++) {
    canvas.dispatchEvent(new PointerEvent("pointermove", { clientX: x0 + f * 4, clientY: y0 + f * 3, pointerId: 1, bubbles: true }));
    await new Promise((r) => requestAnimationFrame(r));
    draws.push(window.view.timings.draw_ms);
  }
  canvas.dispatchEvent(new PointerEvent("pointerup", { clientX: x0 + frames * 4, clientY: y0 + frames * 3, pointerId: 1, bubbles: true }));
  draws.sort((a, b) => a - b);
  return { frames, median_draw_ms: draws[Math.floor(frames / 2)], p95_draw_ms: draws[Math.floor(frames * 0.95)] };
}
"""


def run(n_nodes: int, screenshot_dir: Path | None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bundle(HARNESS, tmp / "graph.js")
        t0 = time.perf_counter()
        text = model_json(n_nodes)
        print(
            f"python: model of {n_nodes} nodes built and serialised in {(time.perf_counter() - t0) * 1000:.0f} ms "
            f"({len(text) / 1e6:.2f} MB as JSON lists here; buffers on the comm)"
        )
        (tmp / "index.html").write_text(
            '<!doctype html><meta charset="utf-8"><body style="margin:0;width:1400px">'
            '<div id="root"></div><script src="graph.js"></script>'
        )
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((tmp / "index.html").as_uri())
            first = page.evaluate(PAGE_SETUP, text)
            results.append({"step": "first render (collapsed)", **first})
            _show(results[-1])
            steps = [
                ("expand", "model"),
                ("expand", "model/block_3"),
                ("expand", "model/block_3/conv2d"),
                ("expand", "gradients"),
                ("expand", "Adam"),
                ("collapse", "Adam"),  # back to an earlier state: whole-view cache hit
                ("expand", "Adam"),  # cache hit again
                ("collapse", "model"),
                ("expand", "model"),  # per-scope level caches answer most of it
                ("select", "model/block_3/conv2d/Conv2D"),
            ]
            for action, name in steps:
                results.append({"step": f"{action} {name}", **page.evaluate(STEP, [action, name])})
                _show(results[-1])
            results.append({"step": "pan 60 frames", **page.evaluate(PAN, 60)})
            _show(results[-1])
            if screenshot_dir:
                screenshot_dir.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot_dir / "graph_5000.png"))
            # worst case: every scope expanded, all 5,000 ops drawn
            results.append({"step": "expand all", **page.evaluate(STEP, ["expandAll", None])})
            _show(results[-1])
            results.append({"step": "pan 60 frames (all expanded, zoomed in)", **page.evaluate(PAN, 60)})
            _show(results[-1])
            results.append({"step": "fit (all 8.5k items on screen)", **page.evaluate(STEP, ["fit", None])})
            _show(results[-1])
            results.append({"step": "pan 60 frames (all on screen)", **page.evaluate(PAN, 60)})
            _show(results[-1])
            if screenshot_dir:
                page.screenshot(path=str(screenshot_dir / "graph_5000_all.png"))
            results.append(
                {"step": "collapse model (rest open)", **page.evaluate(STEP, ["collapse", "model"])}
            )
            _show(results[-1])
            results.append({"step": "expand model again", **page.evaluate(STEP, ["expand", "model"])})
            _show(results[-1])
            if errors:
                raise SystemExit(f"page errors: {errors}")
            browser.close()
    return results


def _show(result: dict) -> None:
    figures = ", ".join(
        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
        for k, v in result.items()
        if k not in ("step", "view")
    )
    print(f"{result['step']:36s} {figures}", flush=True)


def run_in_lab(n_nodes: int, screenshot_dir: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    from tests.support.browser_harness import JupyterServer, NotebookPage, launch_browser
    from tests.support.graph_hparams_fixtures import graph_event, write_events

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_events(str(tmp / "logs" / "tf"), [graph_event(tf_style_graph(n_nodes))])
        (tmp / "root").mkdir()
        server = JupyterServer("lab", tmp / "root", tmp / "home")
        try:
            with sync_playwright() as pw:
                context = launch_browser(pw, tmp / "profile")
                nb = NotebookPage(context, server, "bench_graph")
                nb.open(["import jupyter_tb", f"w = jupyter_tb.graphs({str(tmp / 'logs')!r}); w"])
                nb.run_cell(0)
                nb.wait_idle()
                t0 = nb.page.evaluate("() => performance.now()")
                nb.run_cell(1)
                nb.page.wait_for_function(
                    "id => { const g = document.getElementById(id).querySelector('[data-jtb-graph]');"
                    " return g && Number(g.dataset.visible) > 0 && g.dataset.drawMs; }",
                    arg=nb.widget_id,
                    timeout=120_000,
                    polling="raf",
                )
                t1 = nb.page.evaluate("() => performance.now()")
                graph = nb.scoped("[data-jtb-graph]")
                print(
                    f"lab: run cell -> first graph drawn: {t1 - t0:.0f} ms "
                    f"(layout {graph.get_attribute('data-layout-ms')} ms, paint {graph.get_attribute('data-draw-ms')} ms, "
                    f"{graph.get_attribute('data-visible')} items shown)",
                    flush=True,
                )
                if screenshot_dir:
                    nb.page.screenshot(path=str(screenshot_dir / "graph_5000_lab.png"))
                nb.close()
                context.close()
        finally:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--screenshot", type=Path, default=ROOT / "tests/ui/artifacts")
    ap.add_argument("--lab", action="store_true", help="also time the widget in real JupyterLab")
    args = ap.parse_args()
    run(args.nodes, args.screenshot)
    if args.lab:
        run_in_lab(args.nodes, args.screenshot)


if __name__ == "__main__":
    main()
