"""Embedding projector at 100k points in real Chromium: first render and frame time.

Makes a clustered 100k x 64 embedding, projects it with our numpy PCA (timed), bundles
js/src/lib/scatter.js with esbuild into a plain HTML page served from 127.0.0.1 (a random
free port) and drives it with Playwright in Debian's Chromium (software WebGL: no GPU here,
so these are worst-case figures). Inside the page, with performance.now():

- first render: createScatter + upload of positions/colours + the first frame finished on
  the GL side (a 1-pixel readPixels waits for the pipeline), after the data arrived;
- frame time while rotating the 3-D camera (each frame rendered and synced), median / p95;
- hover pick (nearest point to the cursor, first call after a camera move projects all
  points) and a lasso selection over the 2-D view.

    /work/venv/bin/python benchmarks/bench_projector.py [--points 100000] [--frames 120]

Prints one line per figure; a screenshot goes to benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from jupyter_tb import projections

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-unsafe-swiftshader",  # WebGL through SwiftShader when there is no GPU
]

HARNESS = """
import { createScatter } from "./src/lib/scatter.js";
window.__scatter = { createScatter };
"""

PAGE = """<!doctype html><meta charset="utf-8"><title>projector bench</title>
<body style="margin:0"><div id="root" style="width:1000px"></div>
<script src="bundle.js"></script></body>"""

RUN = """
async ({ frames }) => {
  const get = async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer()).buffer;
  const positions = new Float32Array(await get("positions.bin"));
  const colors = new Uint8Array(await get("colors.bin"));
  const el = document.getElementById("root");
  const sync = (plot) => {
    const gl = plot.canvas.getContext("webgl2") || plot.canvas.getContext("webgl");
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  };
  const t0 = performance.now();
  const plot = createScatterTimed(el);
  plot.update({ positions, dims: 3, colors });
  plot.renderNow();
  sync(plot);
  const firstRender = performance.now() - t0;
  const drawnFirst = plot.stats.drawn;
  window.__plot = plot;

  const times = [];
  let drawnMoving = 0;
  for (let i = 0; i < frames; i++) {
    const s = performance.now();
    plot.rotateBy(0.02);
    plot.renderNow();
    sync(plot);
    times.push(performance.now() - s);
    drawnMoving = plot.stats.drawn;
  }
  await new Promise((resolve) => setTimeout(resolve, 400)); // camera at rest: whole cloud
  const still = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    plot.renderNow();
    sync(plot);
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

  plot.update({ positions, dims: 2 });
  plot.renderNow(); sync(plot);
  const w = box.width, h = box.height;
  const lasso = [w * 0.3, h * 0.3, w * 0.7, h * 0.3, w * 0.7, h * 0.7, w * 0.3, h * 0.7];
  s = performance.now();
  const inside = plot.selectInside(lasso);
  const lassoMs = performance.now() - s;
  plot.update({ positions, dims: 3, highlight: inside.slice(0, 2000) });
  plot.renderNow(); sync(plot);
  return {
    firstRender, drawnFirst, points: plot.stats.points,
    frameMedian: pct(times, 0.5), frameP95: pct(times, 0.95), drawnMoving, drawnStill,
    stillMedian: pct(still, 0.5),
    rafMedian: pct(intervals, 0.5), rafP95: pct(intervals, 0.95),
    pickFirst, pickCached, picked, lassoMs, selected: inside.length,
    renderer: (() => {
      const gl = plot.canvas.getContext("webgl2");
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    })(),
  };
  function createScatterTimed(node) { return window.__scatter.createScatter(node, { height: 640, pointSize: window.__pointSize }); }
}
"""


def clustered(n: int, d: int = 64, clusters: int = 12, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, d)).astype(np.float32) * 6
    labels = rng.integers(0, clusters, n)
    x = centres[labels] + rng.standard_normal((n, d)).astype(np.float32)
    return x, labels


def palette_colors(labels) -> np.ndarray:
    base = np.array([[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
                     [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
                     [174, 199, 232], [255, 187, 120]], np.uint8)
    rgba = np.full((len(labels), 4), 255, np.uint8)
    rgba[:, :3] = base[labels % len(base)]
    return rgba


def bundle(out: Path) -> None:
    subprocess.run(
        [str(ROOT / "js/node_modules/.bin/esbuild"), "--bundle", "--format=iife", "--minify",
         f"--outfile={out}", "--sourcefile=harness.js", "--log-level=warning"],
        input=HARNESS.encode(), cwd=ROOT / "js", check=True,
    )


def serve(folder: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=120)
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
        bundle(folder / "bundle.js")
        (folder / "index.html").write_text(PAGE)
        (folder / "positions.bin").write_bytes(projection.positions(args.points).tobytes())
        (folder / "colors.bin").write_bytes(palette_colors(labels).tobytes())
        server = serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1040, "height": 700})
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
                page.wait_for_function("window.__scatter !== undefined")
                page.evaluate("(size) => { window.__pointSize = size; }", args.point_size)
                result = page.evaluate(RUN, {"frames": args.frames})
                RESULTS.mkdir(parents=True, exist_ok=True)
                shot = RESULTS / f"projector_{args.points}.png"
                page.screenshot(path=str(shot))
                browser.close()
        finally:
            server.shutdown()
    if errors:
        raise SystemExit(f"page errors: {errors}")
    print(f"WebGL renderer: {result['renderer']}")
    print(f"points drawn: {result['points']:,}")
    print(f"time to first render (data in page -> first frame finished, {result['drawnFirst']:,} points "
          f"drawn): {result['firstRender']:.1f} ms")
    print(f"frame time while rotating 3-D (render + GL sync), {args.frames} frames, "
          f"{result['drawnMoving']:,} points drawn while moving: "
          f"median {result['frameMedian']:.1f} ms, p95 {result['frameP95']:.1f} ms")
    print(f"frame time at rest, all {result['drawnStill']:,} points drawn: median {result['stillMedian']:.1f} ms")
    print(f"rAF interval while rotating: median {result['rafMedian']:.1f} ms, p95 {result['rafP95']:.1f} ms")
    print(f"hover pick: {result['pickFirst']:.1f} ms after a camera move, {result['pickCached']:.2f} ms "
          f"cached (hit #{result['picked']})")
    print(f"lasso over the 2-D view: {result['lassoMs']:.1f} ms, {result['selected']:,} points selected")
    print(f"screenshot: {shot}")


if __name__ == "__main__":
    main()
