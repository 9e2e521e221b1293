"""``%tensorboard``: TensorBoard's notebook magic, drawing in the cell instead of an iframe.

Accepts TensorBoard's flags: ``--logdir``, ``--logdir_spec name:path,...``,
``--reload_interval`` (seconds, default 1 here), ``--samples_per_plugin kind=n,...``.
``--port``, ``--host``, ``--bind_all`` and ``--load_fast`` are accepted and ignored (there is
no server). Extra: ``--height`` (pixels), ``--stop`` (stop the live reader of ``--logdir``,
or of every logdir when given alone), ``--group_by REGEX`` (run groups: the regex's matches
are removed from run names, or ``hparam:NAME``; see :mod:`jupyter_tb.compute.run_groups`), ``--side [split-right|right]`` (show the board in
JupyterLab's side panel; see :mod:`jupyter_tb.widgets.sidepanel`), ``--saved_bytes N`` (data a
saved notebook keeps of the board, default 1 MB, 0 = none). Everything is a thin layer over
:func:`jupyter_tb.board`.
"""

from __future__ import annotations

import argparse
import shlex
import sys

IGNORED_FLAGS = ("port", "host", "bind_all", "load_fast")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting the kernel."""

    def error(self, message):
        raise ValueError(f"%tensorboard: {message}\nusage: {self.format_usage().strip()}")


def _parser() -> _Parser:
    p = _Parser(prog="%tensorboard", add_help=False, allow_abbrev=False)
    p.add_argument("--logdir")
    p.add_argument("--logdir_spec")
    p.add_argument("--reload_interval", type=float, default=1.0)
    p.add_argument("--samples_per_plugin", default="")
    p.add_argument("--height", type=int, default=0)
    p.add_argument("--stop", action="store_true")
    p.add_argument("--group_by", default="")
    p.add_argument("--side", nargs="?", const="split-right", choices=("split-right", "right"))
    p.add_argument("--saved_bytes", type=int)
    p.add_argument("--port")
    p.add_argument("--host")
    p.add_argument("--bind_all", nargs="?", const=True)
    p.add_argument("--load_fast", nargs="?", const=True)
    return p


def _pairs(text: str, sep: str, flag: str) -> dict[str, str]:
    out = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, found, value = item.partition(sep)
        if not found or not key or not value:
            raise ValueError(f"%tensorboard: {flag} expects name{sep}value[,...], got {item!r}")
        out[key] = value
    return out


def parse(line: str) -> dict:
    """The magic's line as keyword arguments of :func:`jupyter_tb.board` plus control keys
    (``stop``, ``ignored``). Raises ValueError with a readable message on bad input."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ValueError(f"%tensorboard: cannot parse {line!r}: {error}") from None
    args = _parser().parse_args(words)
    if args.reload_interval <= 0:
        raise ValueError("%tensorboard: --reload_interval must be > 0 seconds")
    samples = {}
    for kind, value in _pairs(args.samples_per_plugin, "=", "--samples_per_plugin").items():
        try:
            samples[kind] = int(value)
        except ValueError:
            raise ValueError(
                f"%tensorboard: --samples_per_plugin {kind}={value!r}: "
                "values must be integers (e.g. images=20)"
            ) from None
    spec = _pairs(args.logdir_spec, ":", "--logdir_spec") if args.logdir_spec else None
    if args.logdir and spec:
        raise ValueError("%tensorboard: give --logdir or --logdir_spec, not both")
    if args.saved_bytes is not None and args.saved_bytes < 0:
        raise ValueError("%tensorboard: --saved_bytes must be >= 0 (0 = the saved notebook keeps no data)")
    if not args.stop and not args.logdir and not spec:
        raise ValueError("%tensorboard: --logdir is required (e.g. %tensorboard --logdir runs)")
    return {
        "logdir": args.logdir,
        "logdir_spec": spec,
        "reload_interval": args.reload_interval,
        "samples_per_plugin": samples,
        "height": args.height,
        "stop": args.stop,
        "side": args.side,
        "group_by": args.group_by,
        "saved_bytes": args.saved_bytes,
        "ignored": [f"--{name}" for name in IGNORED_FLAGS if getattr(args, name) is not None],
    }


# notebook cell id -> the board %tensorboard last showed in it: re-running the cell replaces
# its board, so the old one (gone from the page with the old output) stops taking updates
_cell_boards: dict[str, object] = {}


def _cell_id(shell) -> str | None:
    """The id of the notebook cell running this magic: JupyterLab and Notebook 7 send it with
    each execute request (``metadata.cellId``). None in a terminal or a front end without it."""
    kernel = getattr(shell, "kernel", None)
    try:
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:  # another kernel implementation: no cell tracking, nothing breaks
        return None
    metadata = parent.get("metadata") if isinstance(parent, dict) else None
    cell = metadata.get("cellId") if isinstance(metadata, dict) else None
    return str(cell) if cell else None


def _replace_cell_board(shell, widget) -> None:
    cell = _cell_id(shell) if shell is not None else None
    if cell is None:
        return
    previous = _cell_boards.get(cell)
    _cell_boards[cell] = widget
    if previous is not None and previous is not widget:
        # closed after the new board subscribed, so a shared reader keeps what it has read
        previous.close()


def tensorboard(line: str = "", shell=None):
    """Body of ``%tensorboard``: shows a live board in the cell (returns None)."""
    from IPython.display import display

    from jupyter_tb.api import board, close, close_all

    options = parse(line)
    if options["ignored"]:
        print(
            f"jupyter-tb: {', '.join(options['ignored'])} ignored: the board draws in the "
            "cell over the kernel connection, no server or port is involved.",
            file=sys.stderr,
        )
    if options["stop"]:
        if options["logdir"]:
            stopped = close(options["logdir"])
            print(f"jupyter-tb: {'stopped' if stopped else 'no live reader for'} {options['logdir']}")
        else:
            print(f"jupyter-tb: stopped {close_all()} live reader(s)")
        return None
    traits = {"height": options["height"]} if options["height"] else {}
    if options["group_by"]:
        traits["group_by"] = options["group_by"]
    if options["saved_bytes"] is not None:
        traits["saved_bytes"] = options["saved_bytes"]
    widget = board(
        options["logdir"],
        logdir_spec=options["logdir_spec"],
        reload_interval=options["reload_interval"],
        samples_per_plugin=options["samples_per_plugin"],
        **traits,
    )
    if options["side"]:
        from jupyter_tb.widgets.sidepanel import show_in_sidebar

        show_in_sidebar(widget, anchor=options["side"])
    else:
        display(widget)
        _replace_cell_board(shell, widget)
    return None


def _magic(shell):
    def run(line: str):
        try:
            return tensorboard(line, shell)
        except (ValueError, FileNotFoundError, OSError) as error:
            from IPython.core.error import UsageError

            raise UsageError(str(error)) from None

    run.__doc__ = __doc__
    return run


def register(ipython) -> None:
    """``%load_ext jupyter_tb`` calls this: defines ``%tensorboard`` (replacing TensorBoard's)."""
    ipython.register_magic_function(_magic(ipython), magic_kind="line", magic_name="tensorboard")


def unregister(ipython) -> None:
    ipython.magics_manager.magics["line"].pop("tensorboard", None)
