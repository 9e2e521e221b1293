"""Boards that travel: what a saved notebook and its nbconvert page weigh, and what keeping the
saved copy current costs the kernel after a cell.

    python -m benchmarks.bench_travel

For the 7-run demo logdir and 3 runs x 1M points (bench_board's): a notebook with 1 and with 5
boards of the logdir, executed by nbclient (which saves the widget state as JupyterLab does),
its size and that of `jupyter nbconvert --to html` of it; then, in this process, the time of one
picture refresh (the PNG + text summary) and of one saved record (`_replay`) of a board.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_board import best_of, ensure_logdir

ROOT = Path(__file__).resolve().parents[1]


def _notebook_sizes(logdir: Path, boards: int, folder: Path) -> tuple[int, int]:
    """Bytes of the executed notebook with ``boards`` boards of ``logdir`` and of its HTML."""
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook()
    cells = ["import jupyter_tb"] + [f"jupyter_tb.board({str(logdir)!r})" for _ in range(boards)]
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    env = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env]))
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
    path = folder / f"boards{boards}.ipynb"
    nbformat.write(notebook, path)
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", str(path)], check=True, capture_output=True
    )
    return path.stat().st_size, path.with_suffix(".html").stat().st_size


def _refresh_costs(logdir: Path) -> tuple[float, float, int, int]:
    """Seconds of one picture and of one saved record of a board of ``logdir``, and the sizes
    of the picture (base64 PNG: the update sent to the front end) and of the record."""
    from jupyter_tb.widgets.dashboard import Dashboard
    from jupyter_tb.widgets.live_source import open_source
    from jupyter_tb.widgets.picture_output import picture
    from jupyter_tb.widgets.replay_record import replay_json

    source = open_source(str(logdir))
    source.wait_loaded()
    board = Dashboard(source)
    try:
        png, record = picture(board).get("image/png", ""), replay_json(board)
        return best_of(lambda: picture(board)), best_of(lambda: replay_json(board)), len(png), len(record)
    finally:
        board.close()
        source.close()


def main() -> None:
    from jupyter_tb.demo import write_demo_logdir

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = folder / "demo_runs"
        write_demo_logdir(str(demo))
        for name, logdir in (("demo (7 runs)", demo), ("3 runs x 1M points", ensure_logdir())):
            picture_s, record_s, png_bytes, record_bytes = _refresh_costs(logdir)
            print(
                f"{name}: refresh after a cell: picture {picture_s * 1e3:.0f} ms ({png_bytes / 1e3:.0f} KB), "
                f"saved record {record_s * 1e3:.0f} ms ({record_bytes / 1e3:.0f} KB)"
            )
            for boards in (1, 5):
                start = time.perf_counter()
                notebook, page = _notebook_sizes(logdir, boards, folder)
                print(
                    f"  {boards} board(s): notebook {notebook / 1e6:.2f} MB, nbconvert html {page / 1e6:.2f} MB"
                    f"  ({time.perf_counter() - start:.0f} s to execute and convert)"
                )


if __name__ == "__main__":
    main()
