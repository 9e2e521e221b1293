"""%tensorboard in a real IPython shell: flags, notes, errors, reuse, --stop."""

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import start_ipython
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb import magic
from jupyter_tb.widgets.live_source import open_sources


@pytest.fixture(scope="module")
def ip():
    # start_ipython() returns None when another test module already started the shell
    from IPython import get_ipython

    shell = start_ipython() or get_ipython()
    shell.run_line_magic("load_ext", "jupyter_tb")
    yield shell
    shell.run_line_magic("unload_ext", "jupyter_tb")


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "run")) as w:
        w.add_scalar("loss", 1.0, 0)
    return tmp_path


def test_parse_tensorboard_flags():
    opts = magic.parse(
        "--logdir runs --reload_interval 5 --samples_per_plugin images=3,histograms=50 --height 400"
    )
    assert opts["logdir"] == "runs" and opts["reload_interval"] == 5.0
    assert opts["samples_per_plugin"] == {"images": 3, "histograms": 50} and opts["height"] == 400
    assert magic.parse("--logdir=runs")["reload_interval"] == 1.0  # our default
    spec = magic.parse("--logdir_spec a:/x/runs,b:relative")["logdir_spec"]
    assert spec == {"a": "/x/runs", "b": "relative"}
    ignored = magic.parse("--logdir runs --port 6006 --host 0.0.0.0 --bind_all --load_fast false")["ignored"]
    assert ignored == ["--port", "--host", "--bind_all", "--load_fast"]
    assert magic.parse("--stop")["stop"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("--logdir runs --colour red", "unrecognized arguments: --colour red"),
        ("", "--logdir is required"),
        ("--logdir runs --reload_interval 0", "must be > 0"),
        ("--logdir_spec nocolon", "name:value"),
        ("--logdir runs --samples_per_plugin images=many", "integers"),
        ("--logdir a --logdir_spec x:y", "not both"),
        ("--logdir 'unterminated", "cannot parse"),
    ],
)
def test_bad_flags_are_clear_errors(line, message):
    with pytest.raises(ValueError, match=message):
        magic.parse(line)


def test_magic_shows_a_board_and_reuses_the_reader(ip, logdir, capsys, live_sources):
    ip.run_line_magic("tensorboard", f"--logdir {logdir} --port 6006")
    out = capsys.readouterr()
    assert "--port ignored" in out.err and out.err.count("\n") == 1  # one short note
    assert "Dashboard" in out.out  # displayed (plain-text repr outside a front end)
    ip.run_line_magic("tensorboard", f"--logdir {logdir} --height 300")
    assert len(open_sources()) == 1  # same logdir: same reader
    ip.run_line_magic("tensorboard", f"--logdir {logdir} --stop")
    assert "stopped" in capsys.readouterr().out
    assert not open_sources()


def test_magic_errors_are_usage_errors(ip, tmp_path):
    with pytest.raises(UsageError, match="unrecognized"):
        ip.run_line_magic("tensorboard", "--logdir x --nope")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        ip.run_line_magic("tensorboard", f"--logdir {not_a_folder}")


def test_magic_waits_for_a_logdir_not_created_yet(ip, tmp_path):
    ip.run_line_magic("tensorboard", f"--logdir {tmp_path / 'later'}")
    (source,) = [s for s in open_sources() if s.key.endswith("later")]
    assert source.wait_loaded(10) and source.logdir.waiting  # the board says "waiting"


def test_colab_widget_manager_is_enabled_by_anywidget_once(ip, logdir, monkeypatch, live_sources):
    """In Colab, third-party widgets need Colab's custom widget manager: anywidget enables it
    itself when a widget is created (AnyWidget.__init__), once per kernel."""
    import sys
    import types

    calls = []
    output = types.SimpleNamespace(
        enable_custom_widget_manager=lambda: calls.append(1),
        _widgets=types.SimpleNamespace(_installed_url=None),  # what anywidget's repr reads
    )
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    ip.run_line_magic("tensorboard", f"--logdir {logdir}")
    ip.run_line_magic("tensorboard", f"--logdir {logdir} --height 300")
    assert calls == [1]


def test_group_by_flag():
    assert magic.parse(r"--logdir runs --group_by '/seed=\d+'")["group_by"] == r"/seed=\d+"
    assert magic.parse("--logdir runs")["group_by"] == ""


def test_saved_bytes_flag_sets_the_boards_budget(ip, logdir, live_sources):
    from jupyter_tb.widgets.picture_output import _displayed

    assert magic.parse("--logdir runs")["saved_bytes"] is None  # the board's default
    ip.run_line_magic("tensorboard", f"--logdir {logdir} --saved_bytes 1234")
    assert 1234 in [getattr(view, "saved_bytes", None) for view in _displayed.values()]
    with pytest.raises(UsageError, match="saved_bytes must be >= 0"):
        ip.run_line_magic("tensorboard", f"--logdir {logdir} --saved_bytes -1")
