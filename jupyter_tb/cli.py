"""``jupyter-tb`` command line: ``demo`` writes a sample logdir and opens the board in JupyterLab;
``inspect`` prints what a logdir holds; ``export`` writes a board as one offline HTML file."""

from __future__ import annotations

import argparse
import os
import shutil
import sys


def _demo_notebook(logdir_name: str) -> dict:
    """A notebook (nbformat 4 JSON) that opens the board and trains live next to it."""

    def code(source: str) -> dict:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}

    def markdown(source: str) -> dict:
        return {"cell_type": "markdown", "metadata": {}, "source": source}

    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [
            markdown(
                "# jupyter-tb demo\nThe board below reads `"
                + logdir_name
                + "` live, in this kernel: no server, no port."
            ),
            code("%load_ext jupyter_tb"),
            code(f"%tensorboard --logdir {logdir_name}"),
            markdown("Train while you watch: new points appear in the board above as they are written."),
            code(
                "import math, time\n"
                "from jupyter_tb import SummaryWriter\n\n"
                f"with SummaryWriter('{logdir_name}/live') as writer:\n"
                "    for step in range(300):\n"
                "        writer.add_scalar('train/loss', math.exp(-step / 80) + 0.02 * math.sin(step), step)\n"
                "        time.sleep(0.02)"
            ),
            markdown("Everything is also plain data:"),
            code(f"import jupyter_tb\njupyter_tb.read('{logdir_name}').scalars_frame().head()"),
        ],
    }
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"demo-{number}"  # nbformat 4.5 requires ids; fixed ones keep the file stable
    return notebook


def _write_notebook(path: str, logdir_name: str) -> None:
    import json

    with open(path, "w", encoding="utf-8") as f:
        json.dump(_demo_notebook(logdir_name), f, indent=1)


def demo(args: argparse.Namespace) -> int:
    from jupyter_tb.demo import write_demo_logdir

    workdir = os.path.abspath(args.dir)
    logdir_name = "demo_runs"
    logdir = os.path.join(workdir, logdir_name)
    if os.path.exists(logdir):
        shutil.rmtree(logdir)  # the demo is deterministic: start from a clean slate
    os.makedirs(workdir, exist_ok=True)
    summary = write_demo_logdir(logdir)
    print(f"wrote {summary}")
    notebook = os.path.join(workdir, "jupyter_tb_demo.ipynb")
    _write_notebook(notebook, logdir_name)
    print(f"wrote {notebook}")
    if args.write_only:
        return 0
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workdir}", notebook]
    if args.no_browser:
        command.append("--no-browser")
    if args.port:
        command.append(f"--port={args.port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("JupyterLab is not installed: pip install 'jupyter-tb[demo]'", file=sys.stderr)
        return 1
    print("starting JupyterLab:", " ".join(command[2:]))
    os.execv(sys.executable, command)
    return 0  # not reached


def inspect(args: argparse.Namespace) -> int:
    from jupyter_tb.reading.logdir import read

    ld = read(args.logdir)
    for run in ld.runs:
        print(run)
        for kind, tags in sorted(ld.tags(run).items()):
            for tag in tags:
                detail = ""
                if kind == "scalars":
                    series = ld.scalars(run, tag)
                    detail = f"  {len(series)} points"
                    if len(series):
                        detail += f", last {series.values[-1]:.6g} at step {series.steps[-1]}"
                print(f"  {kind:15s} {tag}{detail}")
    for error in ld.errors:
        print("warning:", error, file=sys.stderr)
    return 0


def export(args: argparse.Namespace) -> int:
    import jupyter_tb

    if not os.path.exists(args.logdir) and "://" not in args.logdir:
        print(f"jupyter-tb export: no logdir at {args.logdir}", file=sys.stderr)
        return 1
    board = jupyter_tb.board(args.logdir)
    try:
        size = board.export_html(
            args.output, title=args.title or os.path.basename(os.path.abspath(args.logdir))
        )
    finally:
        board.close()
    print(f"wrote {args.output} ({size / 1e6:.2f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jupyter-tb", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("demo", help="write a sample logdir and open the board in JupyterLab")
    p.add_argument("--dir", default="jupyter_tb_demo", help="working folder (default: ./jupyter_tb_demo)")
    p.add_argument(
        "--no-browser", action="store_true", help="print JupyterLab's URL instead of opening a browser"
    )
    p.add_argument("--port", type=int, default=0, help="JupyterLab port (default: JupyterLab's)")
    p.add_argument(
        "--write-only", action="store_true", help="write the logdir and notebook, do not start JupyterLab"
    )
    p.set_defaults(run=demo)
    p = commands.add_parser("inspect", help="print the runs, tags and point counts of a logdir")
    p.add_argument("logdir")
    p.set_defaults(run=inspect)
    p = commands.add_parser("export", help="write the board of a logdir as one offline HTML file")
    p.add_argument("logdir")
    p.add_argument("-o", "--output", default="board.html", help="HTML file to write (default: board.html)")
    p.add_argument("--title", default="", help="page title (default: the logdir's name)")
    p.set_defaults(run=export)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
