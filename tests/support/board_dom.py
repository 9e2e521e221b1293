"""Selectors and in-page probes for the board's DOM.

The selectors follow the data-jtb-* contract at the top of js/src/host.js; the JS
snippets run inside the page so timings use the page's own clock (performance.now()),
not Playwright's polling.
"""

from __future__ import annotations

import contextlib
import json


def attr(name: str, value: str | None = None) -> str:
    """``[data-jtb-name]`` or ``[data-jtb-name="value"]`` with the value safely quoted."""
    return f"[data-jtb-{name}]" if value is None else f"[data-jtb-{name}={json.dumps(value)}]"


DASHBOARD = attr("view", "dashboard")

# WCAG contrast ratio of an element's text colour against the background behind it.
CONTRAST_JS = """(el) => {
    const lum = (css) => {
        const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map((v) => {
            v = Number(v) / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let bg = null;
    for (let n = el; n && !bg; n = n.parentElement) {
        const c = getComputedStyle(n).backgroundColor;
        if (c && !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') bg = c;
    }
    const [a, b] = [lum(getComputedStyle(el).color), lum(bg || 'rgb(255, 255, 255)')];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def tab(kind: str) -> str:
    return attr("tab", kind)


def panel(kind: str) -> str:
    return attr("panel", kind)


def chart(tag: str) -> str:
    return attr("chart", tag)


def board_cells(logdir) -> list[str]:
    """The two cells a user types to see a board."""
    return ["%load_ext jupyter_tb", f"%tensorboard --logdir {logdir}"]


def show_board(nb, logdir):
    """Open a notebook running the magic on ``logdir``; returns the dashboard's locator."""
    nb.open(board_cells(logdir))
    nb.run_all()
    nb.wait_output(DASHBOARD)
    return nb.scoped(DASHBOARD)


@contextlib.contextmanager
def board_page(browser_context, server, name: str, logdir):
    """A NotebookPage showing the board of ``logdir`` (kernel idle), closed afterwards; the
    page must have raised no errors by then."""
    from tests.support.browser_harness import NotebookPage

    nb = NotebookPage(browser_context, server, name)
    try:
        show_board(nb, logdir)
        nb.wait_idle()
        yield nb
        nb.assert_no_page_errors()
    finally:
        nb.close()


def open_tab(nb, kind: str):
    """Click the dashboard tab of ``kind``; returns its panel once shown."""
    nb.scoped(tab(kind)).click()
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).getAttribute('aria-selected') === 'true'",
        arg=[nb.widget_id, tab(kind)],
    )
    return nb.scoped(panel(kind))


def settings_panel(nb):
    """The board's settings panel, opened with its gear button if it is closed."""
    panel = nb.scoped(DASHBOARD).locator(attr("settings")).first
    if not panel.is_visible():
        nb.scoped(DASHBOARD).locator(attr("settings-toggle")).first.click()
        panel.wait_for()
    return panel


def close_settings(nb) -> None:
    """Close the settings panel (it covers part of the board while open)."""
    if nb.scoped(DASHBOARD).locator(attr("settings")).first.is_visible():
        nb.scoped(DASHBOARD).locator(attr("settings-toggle")).first.click()


def set_range(locator, value) -> None:
    """Move a range input the way a drag does: new value, then an input event."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }",
        value,
    )


def canvas_ink(locator) -> dict:
    return locator.evaluate(CANVAS_INK_JS)


def wait_ink(nb, locator, minimum: int = 500, timeout: float = 30.0) -> dict:
    """Wait until a canvas shows at least ``minimum`` drawn pixels (charts draw on animation
    frames, after their data-jtb-* attributes change); returns its ink and hash."""
    nb.page.wait_for_function(
        f"([c, n]) => ({CANVAS_INK_JS})(c).ink >= n",
        arg=[locator.element_handle(), minimum],
        timeout=timeout * 1000,
    )
    return canvas_ink(locator)


def wait_all_ink(nb, locator, count: int, minimum: int = 500) -> None:
    """Wait until ``locator`` matches ``count`` canvases and every one shows more than
    ``minimum`` drawn pixels."""
    nb.page.wait_for_function(
        f"([els, k, n]) => els.length === k && els.every((c) => ({CANVAS_INK_JS})(c).ink > n)",
        arg=[locator.element_handles(), count, minimum],
    )


def wait_points(nb, tag: str, expected: int, timeout: float = 60.0, at_least: bool = False):
    """Wait until the chart of ``tag`` draws ``expected`` points (or more, if ``at_least``)."""
    nb.page.wait_for_function(
        "([id, sel, n, atLeast]) => { const c = document.getElementById(id).querySelector(sel);"
        " const shown = c && Number(c.getAttribute('data-jtb-points'));"
        " return c && (atLeast ? shown >= n : shown === n); }",
        arg=[nb.widget_id, chart(tag), expected, at_least],
        timeout=timeout * 1000,
    )


# Non-background pixels of a 2-D canvas: proves something was drawn, and changes when the
# drawing changes (hash). Runs in the page on an element.
CANVAS_INK_JS = """(canvas) => {
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    if (!width || !height) return { ink: 0, hash: 0 };
    const data = ctx.getImageData(0, 0, width, height).data;
    const bg = [data[0], data[1], data[2], data[3]];
    let ink = 0, hash = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2] || data[i + 3] !== bg[3]) {
            ink += 1;
            hash = (hash * 31 + data[i] * 7 + data[i + 1] * 3 + data[i + 2] + i) | 0;
        }
    }
    return { ink, hash };
}"""

# Records (epoch ms, points drawn) each time the chart's data-jtb-points changes, so a test
# can tell when point n reached the screen. Epoch ms = page clock aligned to the wall clock
# the kernel uses (same machine).
WATCH_POINTS_JS = """(card) => {
    const log = window.__jtbPointsLog = [];
    const note = () => log.push([performance.timeOrigin + performance.now(),
                                 Number(card.getAttribute('data-jtb-points') || 0)]);
    note();
    new MutationObserver(note).observe(card, { attributes: true, attributeFilter: ['data-jtb-points'] });
}"""


def drawn_latencies(written: list[tuple[float, int]], drawn: list[tuple[float, int]]) -> list[float]:
    """Seconds from writing point number n (epoch s, n) to the first draw showing >= n points."""
    out = []
    for t_write, n in written:
        t_draw = next((t / 1000 for t, shown in drawn if shown >= n and t / 1000 >= t_write - 0.05), None)
        if t_draw is not None:
            out.append(max(t_draw - t_write, 0.0))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
