"""Embedding projector at 100k points in real Chromium: first render and frame time.

Makes a clustered 100k x 64 embedding, projects it with our numpy PCA (timed), bundles
js/src/lib/scatter.js with esbuild into a plain HTML page served from 127.0.0.1 (a random
free port) and drives it with Playwright in Debian's Chromium (software WebGL: no GPU here,
so these are worst-case figures). Inside the page, with performance.now():

- first render: createScatter + upload of positions/colours + the first frame finished on
  the GL side (a 1-pixel readPixels waits for the pipeline), after the data arrived;
- frame time while rotating the 3-D camera (each frame rendered and synced), median / p95;
- hover pick (nearest point to the cursor, first call after a camera move projects all
  points) and a lasso selection (screen-space polygon).

With ``--jupyter`` the same figures are taken from the real widget in JupyterLab
(``jupyter_tb.projector(x, metadata=labels)``), plus the time from running the cell to the
first full draw and the bytes the page received for it.

    /work/venv/bin/python benchmarks/bench_projector.py [--points 100000] [--frames 120] [--jupyter]

Prints one line per figure; a screenshot goes to benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.static_page import bundle, launch
from jupyter_tb.compute import projections

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

HARNESS = """
import { createScatter } from "./src/lib/scatter.js";
window.__scatter = { createScatter };
"""

PAGE = """<!doctype html><meta charset="utf-8"><title>projector bench</title>
<body style="margin:0"><div id="root" style="width:1000px"></div>
<script src="bundle.js"></script></body>"""

# Frame times of an existing scatter (``plot``): rotating, at rest, picking, lasso. Shared by
# the static page and the JupyterLab run.
MEASURE = """
async function measure(plot, frames) {
  const sync = () => {
    const gl = plot.canvas.getContext("webgl2") || plot.canvas.getContext("webgl");
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  };
  const times = [];
  let drawnMoving = 0;
  for (let i = 0; i < frames; i++) {
    const s = performance.now();
    plot.rotateBy(0.02);
    plot.renderNow();
    sync();
    times.push(performance.now() - s);
    drawnMoving = plot.stats.drawn;
  }
  await new Promise((resolve) => setTimeout(resolve, 400)); // camera at rest: whole cloud
  const still = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    plot.renderNow();
    sync();
    still.push(performance.now() - s);
  }
  const drawnStill = plot.stats.drawn;
  // frames as the browser paints them: rAF-driven rotation for the same number of frames
  const intervals = await new Promise((resolve) => {
    const out = []; let last = null; let k = 0;
    const step = (now) => {
      if (last !== null) out.push(now - last);
      last = now;
      plot.rotateBy(0.02);
      if (++k <= frames) requestAnimationFrame(step); else resolve(out);
    };
    requestAnimationFrame(step);
  });
  const sorted = (a) => [...a].sort((x, y) => x - y);
  const pct = (a, p) => sorted(a)[Math.min(a.length - 1, Math.floor(p * a.length))];
  const box = plot.canvas.getBoundingClientRect();
  let s = performance.now();
  const picked = plot.pick(box.width / 2, box.height / 2);
  const pickFirst = performance.now() - s;
  s = performance.now();
  plot.pick(box.width / 2 + 3, box.height / 2 + 3);
  const pickCached = performance.now() - s;
  const w = box.width, h = box.height;
  const lasso = [w * 0.3, h * 0.3, w * 0.7, h * 0.3, w * 0.7, h * 0.7, w * 0.3, h * 0.7];
  s = performance.now();
  const inside = plot.selectInside(lasso);
  const lassoMs = performance.now() - s;
  const gl = plot.canvas.getContext("webgl2");
  const ext = gl.getExtension("WEBGL_debug_renderer_info");
  return {
    points: plot.stats.points, frameMedian: pct(times, 0.5), frameP95: pct(times, 0.95),
    drawnMoving, drawnStill, stillMedian: pct(still, 0.5),
    rafMedian: pct(intervals, 0.5), rafP95: pct(intervals, 0.95),
    pickFirst, pickCached, picked, lassoMs, selected: inside.length,
    renderer: ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
  };
}
"""

RUN = (
    """
async ({ frames, pointSize }) => {
  const get = async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer()).buffer;
  const positions = new Float32Array(await get("positions.bin"));
  const colors = new Uint8Array(await get("colors.bin"));
  const el = document.getElementById("root");
  const t0 = performance.now();
  const plot = window.__scatter.createScatter(el, { height: 640, pointSize });
  plot.update({ positions, dims: 3, colors });
  plot.renderNow();
  const gl = plot.canvas.getContext("webgl2");
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  const firstRender = performance.now() - t0;
  const drawnFirst = plot.stats.drawn;
  """
    + MEASURE
    + """
  return { firstRender, drawnFirst, ...(await measure(plot, frames)) };
}
"""
)

# JupyterLab: when the projector widget first draws all points (page clock), recorded by a
# MutationObserver installed before the cell runs.
WATCH_FIRST_DRAW_JS = """([id, n]) => {
  const root = document.getElementById(id);
  window.__jtbProjectorDrawn = null;
  new MutationObserver(() => {
    if (window.__jtbProjectorDrawn !== null) return;
    const el = root.querySelector('[data-jtb-points]');
    if (el && Number(el.dataset.jtbPoints) === n && Number(el.dataset.jtbDrawn) > 0)
      window.__jtbProjectorDrawn = performance.now();
  }).observe(root, { attributes: true, attributeFilter: ['data-jtb-drawn'], subtree: true });
}"""


def clustered(n: int, d: int = 64, clusters: int = 12, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, d)).astype(np.float32) * 6
    labels = rng.integers(0, clusters, n)
    x = centres[labels] + rng.standard_normal((n, d)).astype(np.float32)
    return x, labels


def palette_colors(labels) -> np.ndarray:
    base = np.array(
        [
            [31, 119, 180],
            [255, 127, 14],
            [44, 160, 44],
            [214, 39, 40],
            [148, 103, 189],
            [140, 86, 75],
            [227, 119, 194],
            [127, 127, 127],
            [188, 189, 34],
            [23, 190, 207],
            [174, 199, 232],
            [255, 187, 120],
        ],
        np.uint8,
    )
    rgba = np.full((len(labels), 4), 255, np.uint8)
    rgba[:, :3] = base[labels % len(base)]
    return rgba


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def in_jupyterlab(x, labels, frames: int) -> dict:
    """The real widget: projector(x, metadata=labels) run in a JupyterLab kernel."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser_harness import JupyterServer, NotebookPage, launch_browser

    n = len(x)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        root = home / "root"
        root.mkdir()
        np.save(root / "x.npy", x)
        np.save(root / "labels.npy", labels)
        server = JupyterServer("lab", root, home / "home")
        try:
            with sync_playwright() as pw:
                context = launch_browser(pw, home / "profile")
                try:
                    nb = NotebookPage(context, server, "bench-projector")
                    nb.open(
                        [
                            "import numpy as np, jupyter_tb\nx = np.load('x.npy')\n"
                            "labels = [f'c{k}' for k in np.load('labels.npy')]",
                            "p = jupyter_tb.projector(x, metadata=labels, color_by='label', dims=3); p",
                        ]
                    )
                    nb.run_cell(0)
                    nb.wait_idle(timeout=300)
                    nb.page.evaluate(WATCH_FIRST_DRAW_JS, [nb.widget_id, n])
                    received_before = nb.ws_received
                    start = nb.page.evaluate("() => performance.now()")
                    nb.run_cell(1)
                    nb.page.wait_for_function(
                        "() => window.__jtbProjectorDrawn !== null", timeout=300_000, polling=100
                    )
                    painted = nb.page.evaluate("() => window.__jtbProjectorDrawn")
                    received = nb.ws_received - received_before
                    frames_log = nb.page.evaluate("() => window.__jtbFrames.log")
                    last_data = max((t for t, _ in frames_log if start <= t <= painted), default=start)
                    nb.wait_idle(timeout=300)
                    result = nb.page.evaluate(
                        "async ([id, frames]) => {" + MEASURE + "const plot = document.getElementById(id)"
                        ".querySelector('[data-jtb-projector-plot]').jtbScatter;"
                        " return await measure(plot, frames); }",
                        [nb.widget_id, frames],
                    )
                    RESULTS.mkdir(parents=True, exist_ok=True)
                    shot = RESULTS / f"projector_jupyterlab_{n}.png"
                    nb.scoped('[data-jtb-view="projector"]').screenshot(path=str(shot))
                    errors = nb.real_errors()
                    nb.close()
                finally:
                    context.close()
        finally:
            server.stop()
    if errors:
        raise SystemExit(f"page errors: {errors}")
    result.update(from_run=painted - start, after_data=painted - last_data, bytes=received, shot=shot)
    return result


def report(result: dict, frames: int) -> None:
    print(f"WebGL renderer: {result['renderer']}")
    print(f"points drawn: {result['points']:,}")
    print(
        f"frame time while rotating 3-D (render + GL sync), {frames} frames, "
        f"{result['drawnMoving']:,} points drawn while moving: "
        f"median {result['frameMedian']:.1f} ms, p95 {result['frameP95']:.1f} ms"
    )
    print(
        f"frame time at rest, all {result['drawnStill']:,} points drawn: median {result['stillMedian']:.1f} ms"
    )
    print(f"rAF interval while rotating: median {result['rafMedian']:.1f} ms, p95 {result['rafP95']:.1f} ms")
    print(
        f"hover pick: {result['pickFirst']:.1f} ms after a camera move, {result['pickCached']:.2f} ms "
        f"cached (hit #{result['picked']})"
    )
    print(
        f"lasso (screen-space polygon over the 3-D view): {result['lassoMs']:.1f} ms, "
        f"{result['selected']:,} points selected"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--jupyter", action="store_true", help="also measure the widget in JupyterLab")
    parser.add_argument("--point-size", type=float, default=None, help="pixels (default: by count)")
    args = parser.parse_args()

    x, labels = clustered(args.points)
    started = time.perf_counter()
    projection = projections.pca(x, 3)
    pca_s = time.perf_counter() - started
    print(f"PCA {args.points:,} x {x.shape[1]} -> 3-D in numpy: {pca_s * 1000:.0f} ms")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bundle(HARNESS, folder / "bundle.js", minify=True)
        (folder / "index.html").write_text(PAGE)
        (folder / "positions.bin").write_bytes(projection.positions(args.points).tobytes())
        (folder / "colors.bin").write_bytes(palette_colors(labels).tobytes())
        server = serve(folder)
        try:
            with sync_playwright() as p:
                browser = launch(p, webgl=True)
                page = browser.new_page(viewport={"width": 1040, "height": 700})
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
                page.wait_for_function("window.__scatter !== undefined")
                result = page.evaluate(RUN, {"frames": args.frames, "pointSize": args.point_size})
                RESULTS.mkdir(parents=True, exist_ok=True)
                shot = RESULTS / f"projector_{args.points}.png"
                page.screenshot(path=str(shot))
                browser.close()
        finally:
            server.shutdown()
    if errors:
        raise SystemExit(f"page errors: {errors}")
    print("-- static page (scatter.js alone), 127.0.0.1 --")
    print(
        f"time to first render (data in page -> first frame finished, {result['drawnFirst']:,} points "
        f"drawn): {result['firstRender']:.1f} ms"
    )
    report(result, args.frames)
    print(f"screenshot: {shot}")
    if args.jupyter:
        result = in_jupyterlab(x, labels, args.frames)
        print("-- JupyterLab widget: jupyter_tb.projector(x, metadata=labels) --")
        print(
            f"first render of all points: {result['from_run']:.0f} ms from running the cell "
            f"(PCA in the kernel included), {result['after_data']:.0f} ms after the last websocket "
            f"frame before it; {result['bytes'] / 1e6:.2f} MB received"
        )
        report(result, args.frames)
        print(f"screenshot: {result['shot']}")


if __name__ == "__main__":
    main()
