"""A logged text summary makes the page fetch nothing, in real JupyterLab.

Each string here once reached the network from the text view (issue 9): inline styles with
url(), srcset, poster. One text summary holds them all; the page's requests are watched with
Playwright while the text tab renders it, and none may name a probe URL. An inline
``position:fixed`` overlay must not survive either.
"""

from __future__ import annotations

import pytest

from tests.support import board_dom as dom
from tests.support.browser_harness import NotebookPage, free_port

PROBE = "/jtb-probe/"
TAG = "hostile/text_summary"  # tensorboardX appends "/text_summary"


def _hostile_markdown() -> str:
    absolute = f"http://127.0.0.1:{free_port()}{PROBE}"  # nothing listens: a request would still show
    vectors = [
        f'<div style="background:url({PROBE}background)">background</div>',
        f"<p style=\"background-image: url('{PROBE}background-image')\">background-image</p>",
        f'<span style="content:url({absolute}content)">content</span>',
        f'<img alt="srcset" srcset="{PROBE}srcset-1x 1x, {absolute}srcset-2x 2x">',
        f'<video poster="{PROBE}poster" controls></video>',
        f'<div style="border-image: url({PROBE}border-image) 30">border</div>',
        f"![markdown image]({PROBE}markdown-image)",
        '<div data-overlay style="position:fixed;inset:0;z-index:2147483647;background:red">overlay</div>',
    ]
    return "**rendered**\n\n" + "\n\n".join(vectors)


def _write_logdir(root):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(root / "r")) as w:
        w.add_text("hostile", _hostile_markdown(), 0)
    return root


@pytest.fixture(scope="module")
def page(browser_context, lab_server, ui_home):
    nb = NotebookPage(browser_context, lab_server, "text-sanitiser")
    try:
        yield nb
    finally:
        nb.close()


@pytest.mark.ui
def test_logged_text_fetches_nothing_and_covers_nothing(page, ui_home):
    nb = page
    requests: list[str] = []
    nb.page.on("request", lambda request: requests.append(request.url))
    dom.show_board(nb, _write_logdir(ui_home / "logdirs" / "text-sanitiser"))
    # clicked from script: an overlay that got through would swallow a real click
    nb.scoped(dom.tab("text")).evaluate("(el) => el.click()")
    card = nb.scoped(dom.panel("text")).locator(dom.attr("text-card", TAG))
    block = card.locator(dom.attr("text-run", "r")).locator(".jtb-markdown")  # the logged text
    block.locator("strong").wait_for()
    assert block.locator("strong").text_content() == "rendered"
    assert "overlay" in block.text_content() and "background-image" in block.text_content()
    nb.page.wait_for_timeout(1500)  # time for any image, style or poster fetch to start
    nb.screenshot("text-sanitiser")
    assert [url for url in requests if PROBE in url] == []
    fixed = block.evaluate(
        "(el) => [...el.querySelectorAll('*')].filter((n) => getComputedStyle(n).position === 'fixed').length"
    )
    assert fixed == 0
    assert block.locator("[style]").count() == 0
    nb.assert_no_page_errors()
