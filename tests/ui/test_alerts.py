"""Alerts on the board in real JupyterLab: a training cell with a bad learning rate is stopped
by ``board.stop_on`` and the alert shows in the list, on the run and on the card."""

from __future__ import annotations

import textwrap

from tests.support import board_dom as dom

BOARD = textwrap.dedent(
    """
    import jupyter_tb
    board = jupyter_tb.board(r"{logdir}", reload_interval=0.5)
    board.stop_on = ["diverging", "nan"]
    board
    """
)

# lr typed as 0.2 instead of 0.02: the loss decays for 150 steps, then climbs 4% a step
TRAINING = textwrap.dedent(
    """
    import time
    import numpy as np
    from jupyter_tb import SummaryWriter
    rng = np.random.default_rng(0)
    writer = SummaryWriter(r"{logdir}/lr=0.2")
    loss = 2.0
    for step in range(100_000):
        loss *= (0.99 if step < 150 else 1.04)
        writer.add_scalar("train/loss", loss * (1 + 0.1 * rng.standard_normal()), step)
        time.sleep(0.005)
    """
)


def test_stop_on_stops_a_diverging_training_cell_and_the_board_shows_the_alert(lab, tmp_path):
    logdir = tmp_path / "runs"
    nb = lab()
    nb.open([BOARD.format(logdir=logdir), TRAINING.format(logdir=logdir), "print(board.alerts[0]['rule'])"])
    nb.run_all()
    nb.wait_idle(timeout=120)
    error = nb.cell_error() or ""
    assert "TrainingStopped" in error and "diverging alert on lr=0.2/train/loss at step" in error, error
    nb.run_cell(2)  # run-all stopped at the error; the kernel is fine and Python sees the alert
    nb.wait_idle()
    assert nb.cell_text(2).strip() == "diverging"

    board = nb.scoped(dom.DASHBOARD)
    toggle = board.locator("[data-jtb-alerts-toggle]")
    toggle.wait_for()
    assert toggle.text_content() == "⚠ 1 alert"
    toggle.click()
    row = board.locator("[data-jtb-alert='0']")
    assert "diverging" in row.text_content() and "lr=0.2 · train/loss" in row.text_content()
    step = int(row.locator(".jtb-alert-step").text_content().split()[1])
    assert 150 < step < 200
    assert board.locator(f"{dom.attr('run', 'lr=0.2')} [data-jtb-alert-badge]").count() == 1
    assert board.locator(f"{dom.tab('scalars')} [data-jtb-alert-badge]").count() == 1
    row.click()
    marked = board.locator(f"{dom.chart('train/loss')}[data-jtb-alert-marked='{step}']")
    marked.wait_for()
    assert marked.locator("[data-jtb-alert-badge]").count() == 1
    nb.screenshot("alerts-lab")
    nb.assert_no_page_errors()
