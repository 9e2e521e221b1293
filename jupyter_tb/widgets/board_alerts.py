"""The dashboard's alerts: its ``alerts`` trait, ``on_alert`` callbacks and ``stop_on``.

Glue between :class:`~jupyter_tb.widgets.alert_monitor.AlertMonitor` (which finds alerts on the
reader thread) and the board: every change re-publishes the ``alerts`` trait (observable in
Python, synced to the browser), and a new alert whose rule is in ``stop_on`` stops the cell
running in this kernel, but only for runs a writer in this kernel writes: stopping a cell
cannot stop another process.
"""

from __future__ import annotations

from jupyter_tb.widgets.alert_monitor import AlertMonitor
from jupyter_tb.widgets.cell_interrupt import interrupt_running_cell, watch_cells


def attach_alerts(board, rules) -> AlertMonitor:
    monitor = AlertMonitor(board.source, rules)
    monitor.listen(lambda: setattr(board, "alerts", [dict(alert) for alert in monitor.alerts]))
    monitor.on_alert(lambda alert: _stop_if_asked(board, monitor, alert))
    board.alerts = [dict(alert) for alert in monitor.alerts]
    return monitor


def _stop_if_asked(board, monitor: AlertMonitor, alert: dict) -> None:
    if alert["rule"] not in board.stop_on or not monitor.is_local(alert["run"]):
        return
    where = f"{alert['run']}/{alert['tag']}" if alert["tag"] else alert["run"]
    interrupt_running_cell(
        f"jupyter-tb stopped this cell: {alert['rule']} alert on {where} at step {alert['step']}: "
        f"{alert['message']}"
    )


def stop_on_changed(rules) -> None:
    if rules:
        watch_cells()
