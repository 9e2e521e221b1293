"""Logdir and SpecLogdir implement the Reader protocol (what the widgets use of a reader):
every member, with the same signature, defined by the class itself (not inherited from the
protocol's empty bodies)."""

from __future__ import annotations

import inspect

import pytest

import jupyter_tb
from jupyter_tb.reading.logdir import Logdir
from jupyter_tb.reading.protocol import Reader
from jupyter_tb.reading.spec_logdir import SpecLogdir

MEMBERS = sorted(name for name in vars(Reader) if not name.startswith("_"))


def test_the_protocol_lists_what_the_widgets_use():
    assert MEMBERS == [
        "audio",
        "custom_scalars_layout",
        "embeddings",
        "graph",
        "histograms",
        "hparams",
        "images",
        "metadata",
        "pr_curves",
        "profile",
        "progress",
        "runs",
        "scalars",
        "tags",
        "tensors",
        "text",
        "waiting",
    ]


def _own(cls: type, name: str):
    """The member as ``cls`` defines it, or None when only the protocol does."""
    for klass in cls.__mro__:
        if klass is Reader:
            return None
        if name in vars(klass):
            return vars(klass)[name]
    return None


@pytest.mark.parametrize("cls", [Logdir, SpecLogdir])
@pytest.mark.parametrize("name", MEMBERS)
def test_member_is_implemented_with_the_protocols_signature(cls, name):
    assert Reader in cls.__mro__  # implemented explicitly
    declared, own = vars(Reader)[name], _own(cls, name)
    assert own is not None, f"{cls.__name__} lacks {name}"
    if isinstance(declared, property):
        assert isinstance(own, property), f"{cls.__name__}.{name} must be a property"
        declared, own = declared.fget, own.fget
    # annotations compared as what they name (one module writes series.ScalarSeries, another ScalarSeries)
    assert inspect.signature(own, eval_str=True) == inspect.signature(declared, eval_str=True), (
        f"{cls.__name__}.{name}"
    )


def test_instances_satisfy_the_protocol(tmp_path):
    with jupyter_tb.SummaryWriter(str(tmp_path / "a" / "run")) as w:
        w.add_scalar("loss", 1.0, 0)
    one = jupyter_tb.read(str(tmp_path / "a"))
    spec = SpecLogdir({"x": one, "y": Logdir(tmp_path / "missing", missing_ok=True)})
    assert spec.runs == ["x/run"] and spec.waiting and not one.waiting
    assert spec.scalars("x/run", "loss").values.tolist() == [1.0]
    for reader in (one, spec):
        for name in MEMBERS:
            assert hasattr(reader, name)
