"""Stop the cell running in this kernel from another thread, with a message saying why.

The reader thread notices an alert while the training loop holds the kernel's main thread; the
stop button would send SIGINT, which raises a bare KeyboardInterrupt. We raise a
:class:`TrainingStopped` (a KeyboardInterrupt, so loops that catch Exception still stop) that
names the alert, and only while a cell is running: raised into an idle kernel it would break
the kernel's own event loop instead.

Python checks for such an exception between bytecodes, so a main thread sleeping inside one
long C call stops when that call returns (a training step is many short calls).
"""

from __future__ import annotations

import ctypes
import threading


class TrainingStopped(KeyboardInterrupt):
    """Raised in the running cell by ``board.stop_on``; its text names the alert."""

    reason = "stopped by a jupyter-tb alert"

    def __str__(self) -> str:
        return self.reason


class _CellTracker:
    """Whether a cell is executing, from IPython's pre/post_run_cell events."""

    def __init__(self):
        self.running = False
        self._shell = None

    def attach(self) -> bool:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return False  # a terminal IPython or plain Python: nothing to interrupt safely
        if shell is not self._shell:
            shell.events.register("pre_run_cell", self._started)
            shell.events.register("post_run_cell", self._finished)
            self._shell = shell
            # attached from a cell (the usual case): that cell is running now
            self.running = threading.current_thread() is threading.main_thread()
        return True

    def _started(self, *args) -> None:
        self.running = True

    def _finished(self, *args) -> None:
        self.running = False


_tracker = _CellTracker()


def watch_cells() -> bool:
    """Start tracking running cells; False where no kernel runs cells (then nothing stops)."""
    return _tracker.attach()


def interrupt_running_cell(reason: str) -> bool:
    """Raise :class:`TrainingStopped` with ``reason`` in the main thread if a cell is running."""
    if not _tracker.running:
        return False
    stop = type("TrainingStopped", (TrainingStopped,), {"reason": reason, "__module__": __name__})
    main = threading.main_thread().ident
    done = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(main), ctypes.py_object(stop))
    # that cell is ending: a second alert must not raise again into whatever runs next
    _tracker.running = False
    return done == 1
