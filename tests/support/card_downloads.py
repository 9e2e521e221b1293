"""Card downloads (PNG / SVG, js/src/lib/cardexport.js) taken in the browser and read back:
the menu is [data-jtb-download] > [data-jtb-download-png|svg] (js/src/host.js)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from PIL import Image

from tests.support import board_dom as dom
from tests.support.browser_harness import ARTIFACTS

SVG = "{http://www.w3.org/2000/svg}"


def download(nb, card, fmt: str) -> tuple[str, bytes]:
    """Open the card's download menu and take its PNG or SVG: (file name, bytes)."""
    card.scroll_into_view_if_needed()
    card.locator(dom.attr("download")).click()
    with nb.page.expect_download() as info:
        card.locator(dom.attr(f"download-{fmt}")).click()
    saved = info.value
    data = Path(saved.path()).read_bytes()
    (ARTIFACTS / f"download-{saved.suggested_filename}").write_bytes(data)  # to look at
    return saved.suggested_filename, data


def png_ink(data: bytes, colour: tuple[int, int, int]) -> int:
    """Pixels of the PNG within a small distance of ``colour``."""
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(colour)).sum(axis=2) < 40).sum())


def svg_colour(value: str | None) -> tuple[int, ...] | None:
    """An SVG paint attribute ("#rrggbb" or "rgb(r,g,b)") as (r, g, b)."""
    if value and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))
    numbers = re.findall(r"\d+", value or "")
    return tuple(int(v) for v in numbers) if value and value.startswith("rgb(") else None


def svg_paths(data: bytes, paint: str, colour: tuple[int, int, int]) -> list[ET.Element]:
    """The SVG's paths whose ``paint`` ("stroke" or "fill") is ``colour``, with more than
    two vertices (a legend swatch has two)."""
    return [
        p
        for p in ET.fromstring(data).iter(f"{SVG}path")
        if svg_colour(p.get(paint)) == colour and len(re.findall(r"[ML]", p.get("d", ""))) > 2
    ]


def svg_lines(data: bytes, colour: tuple[int, int, int]) -> list[ET.Element]:
    """The SVG's solid strokes in ``colour`` long enough to be a curve (not a legend swatch)."""
    return [p for p in svg_paths(data, "stroke", colour) if p.get("stroke-opacity") is None]


def svg_texts(data: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(data).iter(f"{SVG}text")]
