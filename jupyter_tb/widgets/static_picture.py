"""A static picture of a board, made in the kernel (no browser): for places where widgets
cannot render (GitHub, nbviewer, ``nbconvert`` without widget state, papermill/nbclient runs).

:func:`picture_bundle` gives ``{"image/png": base64, "text/plain": summary}``: the scalars
charts (raw series faint, smoothed solid, in the runs' colours, as the board draws them) and
the latest image of each image tag per run, under a legend; the text names the runs, the
tags per kind and each scalar tag's last values. The view's widget mimebundle carries it
beside the widget view (:mod:`jupyter_tb.widgets.base`), and :mod:`jupyter_tb.widgets.cell_picture`
keeps it current when cells finish.

Run colours follow the board's ``run_colors`` (what the browser recorded), else the same
allocation as the browser's ``js/src/lib/colors.js`` (its palette is ported here as data).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Iterable

import numpy as np

from jupyter_tb.compute.downsample import minmax_indices, sort_order
from jupyter_tb.compute.smoothing import smooth

# js/src/lib/colors.js: PALETTE and SAFE (the first tier)
PALETTE = (
    "#ff7043", "#0077bb", "#009988", "#ee3377", "#33bbee", "#00cc00", "#bbaa00", "#dd77ff",
    "#dd99cc", "#448822", "#cc9966", "#3377ff", "#cc00ff", "#ff00bb", "#ff0000", "#cc6666",
    "#dd8800", "#00bb77", "#99bb77", "#8855ff", "#88bb00", "#cc55aa", "#aa99ff", "#ff0044",
)  # fmt: skip
SAFE = 5

MAX_CHARTS = 12  # scalar tags drawn (the summary names the rest)
MAX_IMAGE_TAGS = 4
CHART_W, CHART_H = 300, 180
THUMB = 96
MARGIN = 8
BG, FG, GRID, FAINT_BG = (255, 255, 255), (60, 60, 60), (225, 225, 225), 0.3


def _name_hash(name: str) -> int:
    """FNV-1a over UTF-16 code units, as colors.js hashes with charCodeAt."""
    h = 2166136261
    units = name.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def _extra_color(k: int) -> str:
    """colors.js extraColor: golden-angle hues at three lightnesses."""
    hue = (k * 137.508) % 360
    light = (0.5, 0.62, 0.42)[k % 3]
    a = 0.75 * min(light, 1 - light)

    def channel(n: int) -> str:
        at = (n + hue / 30) % 12
        v = light - a * max(-1, min(at - 3, 9 - at, 1))
        return f"{math.floor(v * 255 + 0.5):02x}"  # Math.round

    return f"#{channel(0)}{channel(8)}{channel(4)}"


def run_color_allocator(claimed: dict[str, str] | None = None) -> Callable[[str], str]:
    """colors.js createRunColors: ``color(run)`` stable per run, distinct across runs;
    ``claimed`` ({run: "#rrggbb"}, the board's run_colors) are kept and avoided by others."""
    assigned: dict[str, str] = {}
    taken: set[str] = set()
    for run, color in (claimed or {}).items():
        assigned[run] = color.lower()
        taken.add(color.lower())
    tiers = [PALETTE[:SAFE], PALETTE[SAFE:]]
    extra = 0

    def color(run: str) -> str:
        nonlocal extra
        if run in assigned:
            return assigned[run]
        chosen = None
        h = _name_hash(run)
        for tier in tiers:
            start = h % len(tier)
            for k in range(len(tier)):
                candidate = tier[(start + k) % len(tier)]
                if candidate not in taken:
                    chosen = candidate
                    break
            if chosen:
                break
        while chosen is None or chosen in taken:
            chosen = _extra_color(extra)
            extra += 1
        taken.add(chosen)
        assigned[run] = chosen
        return chosen

    return color


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the bitmap font
        return ImageFont.load_default()


def _number(value: float) -> str:
    return f"{value:.4g}"


# -- what the board shows ------------------------------------------------------------------------


class BoardContent:
    """The runs, tags per kind, and the data of a view's logdir (after its filters)."""

    def __init__(self, view):
        self.view = view
        self.logdir = view.logdir
        hidden = set(getattr(view, "deselected_runs", None) or ())
        self.runs = [run for run in view.run_names() if run not in hidden]
        self.tags: dict[str, dict[str, list[str]]] = {}  # kind -> run -> tags
        for run in self.runs:
            for kind, tags in self.logdir.tags(run).items():
                shown = [t for t in tags if view.tag_matches(t)]
                if shown:
                    self.tags.setdefault(kind, {})[run] = shown
        claimed = {r: c for r, c in (getattr(view, "run_colors", None) or {}).items()}
        allocate = run_color_allocator(claimed)
        # in sorted order, as the browser's selection allocates them
        self.colors = {run: allocate(run) for run in sorted(view.run_names())}
        settings = getattr(view, "settings", None) or {}
        self.smoothing = float(settings.get("smoothing", getattr(view, "smoothing", 0.6)))

    def tags_of(self, kind: str) -> list[str]:
        return sorted({t for tags in self.tags.get(kind, {}).values() for t in tags})

    def runs_with(self, kind: str, tag: str) -> list[str]:
        return [run for run in self.runs if tag in self.tags.get(kind, {}).get(run, ())]

    def scalar(self, run: str, tag: str) -> tuple[np.ndarray, np.ndarray]:
        steps, _walls, values = self.scalar_series(run, tag)
        return steps, values

    def scalar_series(self, run: str, tag: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps, wall times, values) of (run, tag) in step order."""
        series = self.logdir.scalars(run, tag)
        steps = np.asarray(series.steps, dtype=np.float64)
        walls = np.asarray(series.wall_times, dtype=np.float64)
        values = np.asarray(series.values, dtype=np.float64)
        order = sort_order(steps)
        if order is not None:
            steps, walls, values = steps[order], walls[order], values[order]
        return steps, walls, values


# -- the text ------------------------------------------------------------------------------------


def summary_text(content: BoardContent, title: str = "jupyter-tb board") -> str:
    lines = [f"{title}: {len(content.runs)} run{'s' if len(content.runs) != 1 else ''}"]
    if content.runs:
        lines.append("runs: " + ", ".join(content.runs))
    for tag in content.tags_of("scalars"):
        parts = []
        for run in content.runs_with("scalars", tag):
            steps, values = content.scalar(run, tag)
            if len(values):
                parts.append(f"{run} {_number(values[-1])} @ {int(steps[-1])}")
        lines.append(f"  {tag}: " + "; ".join(parts))
    others = [f"{kind} {len(content.tags_of(kind))}" for kind in sorted(content.tags) if kind != "scalars"]
    if others:
        lines.append("other tags: " + ", ".join(others))
    return "\n".join(lines)


# -- the picture ---------------------------------------------------------------------------------


def _draw_chart(
    draw, box, tag: str, lines: Iterable[tuple[str, np.ndarray, np.ndarray]], colors, weight, font
):
    """One chart card: the tag, a y-range grid, each run's raw series faint and smoothed solid."""
    x0, y0, x1, y1 = box
    draw.rectangle(box, outline=GRID, fill=BG)
    draw.text((x0 + 6, y0 + 4), tag, fill=FG, font=font)
    plot = (x0 + 44, y0 + 22, x1 - 8, y1 - 18)
    lines = [(run, x, y) for run, x, y in lines if len(x)]
    finite = [y[np.isfinite(y)] for _, _, y in lines]
    finite = [f for f in finite if len(f)]
    if not finite:
        draw.text((plot[0], plot[1] + 20), "no data", fill=FG, font=font)
        return
    xmin = min(float(x[0]) for _, x, _ in lines)
    xmax = max(float(x[-1]) for _, x, _ in lines)
    ymin = min(float(f.min()) for f in finite)
    ymax = max(float(f.max()) for f in finite)
    if xmax == xmin:
        xmin, xmax = xmin - 0.5, xmax + 0.5
    if ymax == ymin:
        ymin, ymax = ymin - 0.5, ymax + 0.5
    pad = (ymax - ymin) * 0.05
    ymin, ymax = ymin - pad, ymax + pad
    px0, py0, px1, py1 = plot
    for frac in (0.0, 0.5, 1.0):
        y = py1 - frac * (py1 - py0)
        draw.line((px0, y, px1, y), fill=GRID)
        draw.text((x0 + 4, y - 6), _number(ymin + frac * (ymax - ymin)), fill=FG, font=font)
    draw.text((px0, py1 + 3), _number(xmin), fill=FG, font=font)
    right = _number(xmax)
    draw.text((px1 - draw.textlength(right, font=font), py1 + 3), right, fill=FG, font=font)

    def points(x, y):
        sx = px0 + (x - xmin) / (xmax - xmin) * (px1 - px0)
        sy = py1 - (y - ymin) / (ymax - ymin) * (py1 - py0)
        keep = np.isfinite(sy)
        return list(zip(sx[keep].tolist(), sy[keep].tolist(), strict=True))

    for run, x, y in lines:
        color = colors[run]
        faint = tuple(round(c * FAINT_BG + 255 * (1 - FAINT_BG)) for c in color)
        chosen = minmax_indices(x, y, max(px1 - px0, 2))
        raw = points(x[chosen], y[chosen])
        smoothed = points(x[chosen], smooth(y, weight)[chosen]) if weight > 0 else raw
        for pts, fill in ((raw, faint), (smoothed, color)):
            if len(pts) == 1:
                cx, cy = pts[0]
                draw.ellipse((cx - 2.5, cy - 2.5, cx + 2.5, cy + 2.5), fill=fill)
            elif pts:
                draw.line(pts, fill=fill, width=2 if fill == color else 1)


def picture_png(content: BoardContent) -> bytes:
    """PNG of the board's scalar charts and latest images, with a legend of run colours."""
    from PIL import Image, ImageDraw

    font = _font(11)
    scalar_tags = content.tags_of("scalars")[:MAX_CHARTS]
    image_tags = content.tags_of("images")[:MAX_IMAGE_TAGS]
    columns = 3
    width = MARGIN + columns * (CHART_W + MARGIN)
    legend_h = 20 * max(1, math.ceil(len(content.runs) / 4))
    chart_rows = math.ceil(len(scalar_tags) / columns)
    image_rows = [content.runs_with("images", tag) for tag in image_tags]
    per_row = max(1, (width - MARGIN) // (THUMB + MARGIN))
    images_h = sum(20 + math.ceil(len(runs) / per_row) * (THUMB + 18) for runs in image_rows)
    height = MARGIN + legend_h + chart_rows * (CHART_H + MARGIN) + images_h + MARGIN
    image = Image.new("RGB", (width, max(height, 60)), BG)
    draw = ImageDraw.Draw(image)
    # legend: one swatch per run in its colour
    x, y = MARGIN, MARGIN
    for run in content.runs:
        label = run if len(run) <= 28 else run[:27] + "…"
        draw.rectangle((x, y + 2, x + 10, y + 12), fill=_rgb(content.colors[run]))
        draw.text((x + 14, y), label, fill=FG, font=font)
        x += (width - MARGIN) // 4
        if x + 40 > width:
            x, y = MARGIN, y + 20
    top = MARGIN + legend_h
    colors = {run: _rgb(c) for run, c in content.colors.items()}
    for i, tag in enumerate(scalar_tags):
        bx = MARGIN + (i % columns) * (CHART_W + MARGIN)
        by = top + (i // columns) * (CHART_H + MARGIN)
        lines = [(run, *content.scalar(run, tag)) for run in content.runs_with("scalars", tag)]
        _draw_chart(draw, (bx, by, bx + CHART_W, by + CHART_H), tag, lines, colors, content.smoothing, font)
    y = top + chart_rows * (CHART_H + MARGIN)
    for tag, runs in zip(image_tags, image_rows, strict=True):
        draw.text((MARGIN, y + 4), tag, fill=FG, font=font)
        y += 20
        for k, run in enumerate(runs):
            bx = MARGIN + (k % per_row) * (THUMB + MARGIN)
            by = y + (k // per_row) * (THUMB + 18)
            _paste_latest(image, draw, content, run, tag, (bx, by), font)
        y += math.ceil(len(runs) / per_row) * (THUMB + 18)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _paste_latest(image, draw, content: BoardContent, run: str, tag: str, at, font) -> None:
    from PIL import Image

    series = content.logdir.images(run, tag)
    x, y = at
    draw.rectangle((x - 1, y - 1, x + THUMB, y + THUMB), outline=_rgb(content.colors[run]))
    if len(series):
        try:
            with Image.open(io.BytesIO(series[len(series) - 1].encoded(0))) as picture:
                thumb = picture.convert("RGB")
                thumb.thumbnail((THUMB - 1, THUMB - 1))
                image.paste(thumb, (x, y))
        except Exception:  # an undecodable image is left blank, the rest still drawn
            pass
    draw.text((x, y + THUMB + 2), run[:16], fill=_rgb(content.colors[run]), font=font)


def picture_bundle(view, title: str = "jupyter-tb board") -> dict[str, str]:
    """``{"image/png": base64, "text/plain": summary}`` of ``view``'s logdir now."""
    content = BoardContent(view)
    png = picture_png(content)
    return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": summary_text(content, title)}
