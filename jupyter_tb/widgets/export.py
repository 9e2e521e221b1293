"""Boards that travel: a board recorded as data, and as one self-contained offline HTML file.

Every view's data reaches the browser as kernel messages (:meth:`View.snapshot`, packed by
:mod:`jupyter_tb.widgets.wire`), which the browser folds into view state. A *record* keeps,
per widget model of a board (the dashboard and each tab), its synced traits and the
messages of a snapshot, plus a few requests answered ahead of time (:data:`PREANSWERED`); the
browser's ``js/src/lib/replay.js`` replays it with stand-in models, no kernel needed.

Record (JSON)::

    {"version": 1, "root": uid,
     "models": {uid: {"state": {trait: value}, "messages": [[json, [base64 buffer]]],
                      "replies": {"<op> <JSON args>": [json, [base64 buffer]]}}}}

:func:`export_html` writes the record into one HTML file with ``static/offline.js`` (the
whole renderer library plus the replay bootstrap) inlined: it opens from ``file://`` with
no server and no network (``jupyter-tb export LOGDIR -o board.html``,
``board.export_html(path)``).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from jupyter_tb.widgets.library import static_file
from jupyter_tb.widgets.wire import pack

RECORD_VERSION = 1
PREANSWER_BYTES = 4 * 1024 * 1024  # requests answered ahead of time, per view, at most

# widget-framework traits the stand-in models do not need (layout is a widget reference,
# _lib the library model's: the offline page brings its own library)
_SKIPPED_TRAITS = ("_model_", "_view_", "_esm", "_css", "_anywidget", "_dom_classes", "_lib")
_SKIPPED_NAMES = {"layout", "tabbable", "tooltip", "comm", "keys", "log"}


def request_key(op: str, args: dict) -> str:
    """The key of a request in a record (the same as ``requestKey`` in js/src/lib/replay.js)."""
    return f"{op} {json.dumps(dict(sorted(args.items())), separators=(',', ':'), ensure_ascii=False)}"


def entry(message: Any) -> list:
    """A message as a record holds it: ``[json, [base64 buffer, ...]]``."""
    content, buffers = pack(message)
    return [content, [base64.b64encode(bytes(buffer)).decode("ascii") for buffer in buffers]]


def entry_bytes(packed: list) -> int:
    return len(json.dumps(packed[0])) + sum(len(b) for b in packed[1])


def synced_state(view) -> dict:
    """The view's synced traits a renderer reads (no widget-framework plumbing)."""
    names = [
        name for name in view.keys if name not in _SKIPPED_NAMES and not name.startswith(_SKIPPED_TRAITS)
    ]
    return json.loads(json.dumps(view.get_state(names), default=str))


# -- requests answered ahead of time: views that draw nothing without one ---------------------


def _hparams_sessions(view) -> Iterator[tuple[str, dict]]:
    for run in view.table().runs:
        yield "session", {"run": run}


# kind -> the (op, args) requests worth answering in a record (in order, while the budget lasts)
PREANSWERED: dict[str, Callable[[Any], Iterator[tuple[str, dict]]]] = {"hparams": _hparams_sessions}


def _replies(view, budget: int) -> dict:
    make = PREANSWERED.get(view._kind)
    replies: dict[str, list] = {}
    if make is None:
        return replies
    used = 0
    for op, args in make(view):
        handler = getattr(view, f"request_{op}", None)
        if handler is None:
            continue
        try:
            packed = entry({"type": "reply", "data": handler(**args)})
        except Exception:  # a request that fails live fails offline too: not recorded
            continue
        used += entry_bytes(packed)
        if used > budget:
            break
        replies[request_key(op, args)] = packed
    return replies


# -- recording -----------------------------------------------------------------------------------


def _record_view(view, preanswer_bytes: int) -> dict:
    # the live browser (if any) gets the same snapshot: a snapshot resets the view's
    # bookkeeping of what the browser holds, so both must agree
    messages = view._send_snapshot()
    return {
        "state": synced_state(view),
        "messages": [entry(message) for message in messages],
        "replies": _replies(view, preanswer_bytes),
    }


def board_views(board) -> list:
    """The board's widget models to record: the board itself and its tabs."""
    return [board, *getattr(board, "views", {}).values()]


def record_board(board, *, timeout: float = 120.0, preanswer_bytes: int = PREANSWER_BYTES) -> dict:
    """The record of ``board`` (a dashboard or a single view) once its logdir is read."""
    source = getattr(board, "source", None)
    if source is not None and not source.wait_loaded(timeout):
        raise TimeoutError(f"the logdir was not read within {timeout:g} s")
    # the board's snapshot first: it adds the tabs the finished load made possible
    models = {board._uid: _record_view(board, preanswer_bytes)}
    for tab in board_views(board)[1:]:
        models[tab._uid] = _record_view(tab, preanswer_bytes)
    return {"version": RECORD_VERSION, "root": board._uid, "models": models}


# -- the HTML file -------------------------------------------------------------------------------

# JupyterLab's light theme variables the views read (a page outside Jupyter has none).
_THEME = """
:root {
  --jp-layout-color0: #fff; --jp-layout-color1: #fff; --jp-layout-color2: #eee; --jp-layout-color3: #bdbdbd;
  --jp-border-color1: #bdbdbd; --jp-border-color2: #e0e0e0; --jp-border-color3: #eee;
  --jp-ui-font-color0: rgba(0,0,0,1); --jp-ui-font-color1: rgba(0,0,0,0.87);
  --jp-ui-font-color2: rgba(0,0,0,0.54); --jp-ui-font-color3: rgba(0,0,0,0.38);
  --jp-ui-inverse-font-color1: rgba(255,255,255,1);
  --jp-brand-color1: #1976d2; --jp-brand-color3: #bbdefb;
  --jp-warn-color0: #e65100; --jp-warn-color1: #f57c00;
  --jp-ui-font-size1: 13px;
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  --jp-code-font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
body { margin: 12px; background: var(--jp-layout-color0); color: var(--jp-ui-font-color1);
  font-family: var(--jp-ui-font-family); font-size: var(--jp-ui-font-size1); }
.jtb-export-note { color: var(--jp-ui-font-color2); margin: 0 0 8px; }
"""


def inline_script(text: str) -> str:
    """Text safe inside <script>: nothing in it may close the element or start an HTML comment
    (the replacements mean the same inside JS strings, regexes and JSON)."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "\\x3C!--")


def html_page(record: dict, title: str = "jupyter-tb board") -> str:
    """One self-contained HTML document showing ``record`` (no network, no server)."""
    script = static_file("offline.js").read_text(encoding="utf-8")
    data = json.dumps(record, separators=(",", ":")).replace("<", "\\u003c")
    name = html.escape(title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{name}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{_THEME}</style>\n</head>\n<body>\n"
        f'<p class="jtb-export-note">{name} · exported by jupyter-tb; works offline (no kernel: '
        "what the export recorded)</p>\n"
        '<div id="jupyter-tb-board"></div>\n'
        f'<script type="application/json" id="jupyter-tb-record">{data}</script>\n'
        f'<script type="module">{inline_script(script)}</script>\n'
        "</body>\n</html>\n"
    )


def export_html(board, path, *, title: str | None = None, timeout: float = 120.0) -> int:
    """Write ``board`` as one offline HTML file at ``path``; returns its size in bytes."""
    record = record_board(board, timeout=timeout)
    text = html_page(record, title or "jupyter-tb board")
    data = text.encode("utf-8")
    with open(os.fspath(path), "wb") as f:
        f.write(data)
    return len(data)
