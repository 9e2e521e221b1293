"""Profiler benchmark: a synthetic trace in torch.profiler's layout (default 1M events, ~210 MB).

Kernel side: parse (the vectorised scan) against ``json.loads`` of the same bytes, the tables
and the timeline layout, the bytes the view sends. Browser side (the timeline alone on a
static page in Debian's Chromium): first paint of all spans, then the frame time while
zooming from the whole trace down to microseconds and panning.

    python -m benchmarks.bench_profile [--events 1000000] [--screenshot DIR] [--trace FILE] [--trace FILE]
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from benchmarks.static_page import harness_page, launch, open_page
from jupyter_tb.compute import profile_tables as tables
from jupyter_tb.reading.profile_trace import parse_trace
from jupyter_tb.widgets.views.profile import _timeline_wire
from jupyter_tb.widgets.wire import pack
from tests.support.profile_traces import synthetic_trace

HARNESS = """
import { createTimeline } from "./src/lib/timeline.js";
window.jtbTimeline = createTimeline;
"""

PAGE_SETUP = """
async ([meta, blobs]) => {
  const bytes = (b64) => { const s = atob(b64); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out.buffer; };
  const types = { float64: Float64Array, float32: Float32Array, int32: Int32Array, int16: Int16Array };
  const layout = { ...meta.lists };
  for (const [key, [dtype, b64]] of Object.entries(blobs)) layout[key] = new types[dtype](bytes(b64));
  const el = document.getElementById("root");
  const tl = window.jtbTimeline(el, {});
  window.tl = tl;
  const t0 = performance.now();
  tl.update(layout);
  await new Promise((resolve) => { const wait = () => tl.stats.frames ? resolve() : requestAnimationFrame(wait); wait(); });
  return { first_paint_ms: performance.now() - t0, draw_ms: tl.stats.ms, marks: tl.stats.marks, spans: layout.start.length };
}
"""

ZOOM = """
(frames) => {
  const draws = [];
  const [a, b] = tl.window();
  for (let i = 0; i < frames; i++) {            // whole trace -> ~1 µs, around one point
    tl.zoom(0.75, a + (b - a) * 0.37);
    tl.drawNow();
    draws.push(tl.stats.ms);
  }
  const narrow = tl.window();
  for (let i = 0; i < frames; i++) {            // back out
    tl.zoom(1 / 0.75, a + (b - a) * 0.37);
    tl.drawNow();
    draws.push(tl.stats.ms);
  }
  const sorted = draws.slice().sort((x, y) => x - y);
  return { frames: draws.length, narrowest_us: narrow[1] - narrow[0], median_ms: sorted[draws.length >> 1],
           p95_ms: sorted[Math.floor(draws.length * 0.95)], max_ms: sorted[draws.length - 1] };
}
"""

PAN = """
(frames) => {
  const draws = [];
  const [a, b] = tl.window();
  tl.setWindow(a, a + (b - a) / 200);
  for (let i = 0; i < frames; i++) {
    const [c, d] = tl.window();
    tl.setWindow(c + (d - c) * 0.3, d + (d - c) * 0.3);
    tl.drawNow();
    draws.push(tl.stats.ms);
  }
  const sorted = draws.slice().sort((x, y) => x - y);
  return { frames, median_ms: sorted[frames >> 1], p95_ms: sorted[Math.floor(frames * 0.95)], marks: tl.stats.marks };
}
"""


def _timed(label: str, fn):
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    print(f"{label}: {seconds * 1000:,.0f} ms")
    return out, seconds


def longest_stall(work) -> float:
    """Run ``work`` on a thread (as the reader thread does) while this thread ticks every
    millisecond, as the kernel's own loop would; returns the longest gap between ticks (ms)."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (work(), done.set()))
    worst, last = 0.0, time.perf_counter()
    thread.start()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    thread.join()
    return worst * 1000


def kernel_side(raw: bytes):
    print(f"trace: {len(raw) / 1e6:.0f} MB")
    tracemalloc.start()
    trace, parse_s = _timed("parse_trace (vectorised scan -> numpy columns)", lambda: parse_trace(raw))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {len(trace):,} events; peak memory while parsing {peak / 1e6:,.0f} MB ({peak / len(raw):.1f}x the file)"
    )
    _events, json_s = _timed("json.loads (a Python dict per event), same bytes", lambda: json.loads(raw))
    del _events
    print(f"  ratio parse_trace / json.loads: {parse_s / json_s:.2f} (wall time, shared machine)")
    cpu = time.process_time()
    parse_trace(raw)
    cpu_parse = time.process_time() - cpu
    cpu = time.process_time()
    json.loads(raw)
    cpu_json = time.process_time() - cpu
    print(f"  CPU time: parse_trace {cpu_parse:.2f} s, json.loads {cpu_json:.2f} s")
    print(
        f"  longest stall of the kernel's thread while a reader thread parses: "
        f"parse_trace {longest_stall(lambda: parse_trace(raw)):,.0f} ms, "
        f"json.loads {longest_stall(lambda: json.loads(raw)):,.0f} ms"
    )
    _ops, _ = _timed("operator_table", lambda: tables.operator_table(trace))
    _steps, _ = _timed("step_table", lambda: tables.step_table(trace))
    layout, _ = _timed("timeline layout", lambda: tables.timeline(trace))
    wire = _timeline_wire(layout)
    content, buffers = pack({"timeline": wire})
    print(
        f"  timeline on the wire: {sum(b.nbytes for b in buffers) / 1e6:.1f} MB binary + {len(json.dumps(content)) / 1e3:.0f} kB JSON"
    )
    return wire


def browser_side(wire: dict, screenshot: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    lists = {k: v for k, v in wire.items() if isinstance(v, (list, float, int))}
    blobs = {
        k: [str(v.dtype), base64.b64encode(v.tobytes()).decode()] for k, v in wire.items() if k not in lists
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        url = harness_page(tmp, HARNESS)
        with sync_playwright() as p:
            browser = launch(p)
            page, errors = open_page(browser, url, height=700)
            first = page.evaluate(PAGE_SETUP, [{"lists": lists}, blobs])
            print(
                f"browser first paint of {first['spans']:,} spans: {first['first_paint_ms']:.0f} ms "
                f"(the draw itself {first['draw_ms']:.1f} ms, {first['marks']:,} marks)"
            )
            if screenshot:
                screenshot.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot / "timeline_1m_whole.png"))
            zoom = page.evaluate(ZOOM, 60)
            print(
                f"zoom whole trace -> {zoom['narrowest_us']:.1f} µs and back, {zoom['frames']} frames: "
                f"median {zoom['median_ms']:.1f} ms, p95 {zoom['p95_ms']:.1f} ms, max {zoom['max_ms']:.1f} ms per frame"
            )
            pan = page.evaluate(PAN, 60)
            print(
                f"pan at 1/200 of the trace, {pan['frames']} frames: median {pan['median_ms']:.1f} ms, p95 {pan['p95_ms']:.1f} ms"
            )
            if screenshot:
                page.screenshot(path=str(screenshot / "timeline_1m_zoomed.png"))
            if errors:
                raise SystemExit(f"page errors: {errors}")
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument(
        "--trace", type=Path, default=None, help="reuse this generated trace (written when missing)"
    )
    args = parser.parse_args()
    if args.trace and args.trace.exists():
        raw = args.trace.read_bytes()
    else:
        raw, _ = _timed(
            f"generate {args.events:,} events in torch's layout", lambda: synthetic_trace(args.events)
        )
        if args.trace:
            args.trace.write_bytes(raw)
    wire = kernel_side(raw)
    del raw
    browser_side(wire, args.screenshot)


if __name__ == "__main__":
    main()
