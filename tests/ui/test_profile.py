"""The profile tab in real JupyterLab on a real torch.profiler trace and a CUDA-shaped one:
overview and step selector, operators (sort, search, click -> timeline highlight and back to
Python), kernels, memory, compare, the timeline (zoom, pan, click for details), the board tab."""

from __future__ import annotations

import gzip
import os
import shutil

import pytest

from tests.support.profile_traces import cuda_trace, profile_training, trace_json

SHOTS = os.environ.get("JTB_SHOTS")  # a folder: screenshots of each section, light and dark


@pytest.fixture(scope="module")
def profile_logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("profile")
    session = profile_training(str(root / "work"), run="cpu", active=3)
    shutil.move(str(root / "work" / "cpu"), str(root / "cpu"))
    (root / "gpu").mkdir()
    (root / "gpu" / "host_1.100.pt.trace.json.gz").write_bytes(gzip.compress(trace_json(cuda_trace().events)))
    return root, session


def _js(nb, expression, arg=None):
    return nb.page.evaluate(
        f"([id, arg]) => {{ const root = document.getElementById(id); return ({expression}); }}",
        [nb.widget_id, arg],
    )


def _wait(nb, expression, arg=None, timeout=30000):
    nb.page.wait_for_function(
        f"([id, arg]) => {{ const root = document.getElementById(id); return !!root && ({expression}); }}",
        arg=[nb.widget_id, arg],
        timeout=timeout,
    )


def _shot(nb, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        nb.page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_profile_view_sections_timeline_and_python(lab, profile_logdir):
    logdir, session = profile_logdir
    nb = lab()
    nb.open(
        [
            "import jupyter_tb",
            f"w = jupyter_tb.profile({str(logdir)!r}, run='cpu'); w",
            "print('PY:', w.selected_operator, '|', w.cycle)",
        ]
    )
    nb.run_all()
    nb.wait_output("[data-jtb-timeline]")
    _wait(nb, "Number(root.querySelector('[data-jtb-timeline]').dataset.marks) > 0")

    # overview: one bar per ProfilerStep#N; picking a step zooms the timeline to its span
    steps = _js(nb, "[...root.querySelectorAll('[data-jtb-profile-step] option')].map(o => o.textContent)")
    assert len(steps) == 1 + len(session.step_spans) and steps[1].startswith("ProfilerStep#")
    whole = _js(nb, "root.querySelector('[data-jtb-timeline]').dataset.window")
    nb.scoped("[data-jtb-profile-step]").select_option(index=2)
    _wait(nb, "root.querySelector('[data-jtb-timeline]').dataset.window !== arg", whole)
    t0, t1 = map(float, _js(nb, "root.querySelector('[data-jtb-timeline]').dataset.window").split(","))
    assert t1 - t0 == pytest.approx(session.step_spans[1], rel=0.01)
    assert "Step" in _js(nb, "root.querySelector('.jtb-breakdown').textContent")
    _shot(nb, "overview-light")

    # operators: rows per operator, sortable, searchable; a click highlights and reaches Python
    nb.scoped('[data-jtb-profile-section="operators"]').click()
    _wait(nb, "root.querySelector('[data-jtb-op=\"aten::addmm\"]')")
    first = _js(nb, "root.querySelector('[data-jtb-op]').dataset.jtbOp")
    assert first == "ProfilerStep*"  # sorted by total CPU time
    nb.scoped('[data-jtb-profile-panel="operators"] [data-jtb-sort="calls"]').click()
    _wait(nb, "root.querySelector('[data-jtb-op]').dataset.jtbOp !== arg", first)
    calls = _js(nb, "[...root.querySelectorAll('[data-jtb-op]')].map(r => Number(r.children[1].textContent))")
    assert calls == sorted(calls, reverse=True)
    nb.scoped('[data-jtb-profile-panel="operators"] [data-jtb-table-search]').fill("^aten::a")
    _wait(nb, "[...root.querySelectorAll('[data-jtb-op]')].every(r => r.dataset.jtbOp.startsWith('aten::a'))")
    before = int(_js(nb, "Number(root.querySelector('[data-jtb-timeline]').dataset.frames)"))
    nb.scoped('[data-jtb-op="aten::addmm"]').click()
    _wait(nb, "root.querySelector('[data-jtb-op=\"aten::addmm\"]').classList.contains('jtb-selected')")
    _wait(nb, "Number(root.querySelector('[data-jtb-timeline]').dataset.frames) > arg", before)
    nb.scoped("[data-jtb-group-shape]").check()
    _wait(nb, "root.querySelectorAll('[data-jtb-profile-panel=\"operators\"] th').length === 7")
    _shot(nb, "operators-light")

    # timeline: wheel zooms in around the pointer, drag pans, a click shows the span's details
    canvas = nb.scoped("[data-jtb-timeline]")
    box = canvas.bounding_box()
    nb.page.mouse.dblclick(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    _wait(nb, "root.querySelector('[data-jtb-timeline]').dataset.window.startsWith('0,')")
    wide = _js(nb, "root.querySelector('[data-jtb-timeline]').dataset.window.split(',').map(Number)")
    nb.page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 40)
    for _ in range(5):
        nb.page.mouse.wheel(0, -400)
    _wait(
        nb,
        "(w => w[1] - w[0] < arg)(root.querySelector('[data-jtb-timeline]').dataset.window.split(',').map(Number))",
        (wide[1] - wide[0]) / 4,
    )
    nb.page.mouse.dblclick(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    _wait(nb, "root.querySelector('[data-jtb-timeline]').dataset.window.startsWith('0,')")
    # the top CPU row holds the ProfilerStep spans: click inside the first one
    nb.page.mouse.click(box["x"] + 180 + (box["width"] - 180) * 0.02, box["y"] + 20 + 8)
    _wait(nb, "root.querySelector('[data-jtb-span-details]').textContent.includes('ProfilerStep#')")

    # memory (profile_memory=True) and compare (another cycle: the GPU run's)
    nb.scoped('[data-jtb-profile-section="memory"]').click()
    _wait(nb, "root.querySelector('[data-jtb-profile-panel=\"memory\"] canvas').width > 0")
    _shot(nb, "memory-light")
    nb.scoped('[data-jtb-profile-section="compare"]').click()
    nb.scoped("[data-jtb-compare]").select_option(index=1)
    _wait(nb, "root.querySelector('[data-jtb-compare-op=\"aten::addmm\"]')", timeout=60000)
    _shot(nb, "compare-light")

    # Python sees the clicked operator (the kernel is idle)
    nb.run_cell(2)
    nb.wait_idle()
    assert "PY: aten::addmm |" in nb.cell_text(2)

    # the CUDA-shaped run: kernels with their launching operator, GPU lanes in the timeline
    nb.scoped("[data-jtb-profile-run]").select_option("gpu")
    nb.scoped('[data-jtb-profile-section="kernels"]').click()
    _wait(nb, "root.querySelector('[data-jtb-kernel=\"ampere_sgemm_128x64_nn\"]')", timeout=60000)
    assert _js(nb, "root.querySelector('[data-jtb-span-details]').textContent") == ""  # the old run's span
    row = _js(
        nb,
        "[...root.querySelector('[data-jtb-kernel=\"ampere_sgemm_128x64_nn\"]').children].map(c => c.textContent)",
    )
    assert row[:3] == ["ampere_sgemm_128x64_nn", "aten::addmm", "2"]
    _shot(nb, "kernels-light")
    if SHOTS:
        nb.page.evaluate(
            "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
        )
        nb.page.wait_for_timeout(2500)
        nb.scoped('[data-jtb-profile-section="overview"]').click()
        nb.page.wait_for_timeout(500)
        _shot(nb, "overview-gpu-dark")
        nb.scoped("[data-jtb-profile-run]").select_option("cpu")
        nb.page.wait_for_timeout(2500)
        nb.scoped('[data-jtb-profile-section="operators"]').click()
        _shot(nb, "operators-dark")
        nb.page.evaluate(
            "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})"
        )
    nb.assert_no_page_errors()


def test_board_has_a_profile_tab(lab, profile_logdir):
    logdir, _session = profile_logdir
    nb = lab()
    nb.open(["import jupyter_tb", f"jupyter_tb.board({str(logdir)!r})"])
    nb.run_all()
    nb.wait_output('[data-jtb-tab="profile"]')
    nb.scoped('[data-jtb-tab="profile"]').click()
    _wait(nb, "Number(root.querySelector('[data-jtb-timeline]')?.dataset.marks) > 0")
    nb.assert_no_page_errors()


def test_tensorflow_profiles_in_the_profile_view(lab, tmp_path):
    """Real TF 2.21 xplane.pb files under <run>/plugins/profile/<session>/: runs, steps, TF ops."""
    fixtures = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "xplane")
    for run, name in (("loop", "loop"), ("keras/train", "keras")):
        folder = tmp_path / run / "plugins" / "profile" / "2026_01_01_00_00_00"
        folder.mkdir(parents=True)
        shutil.copy(os.path.join(fixtures, f"{name}.xplane.pb"), folder / "vm.xplane.pb")
    nb = lab()
    nb.open(["import jupyter_tb", f"jupyter_tb.profile({str(tmp_path)!r}, run='loop')"])
    nb.run_all()
    nb.wait_output("[data-jtb-timeline]")
    _wait(nb, "Number(root.querySelector('[data-jtb-timeline]').dataset.marks) > 0")
    runs = _js(nb, "[...root.querySelectorAll('[data-jtb-profile-run] option')].map(o => o.value)")
    assert runs == ["keras/train", "loop"]
    # the five tf.profiler.experimental.Trace("train", step_num=i) steps, and TensorFlow's ops
    steps = _js(nb, "[...root.querySelectorAll('[data-jtb-profile-step] option')].map(o => o.textContent)")
    assert len(steps) == 1 + 5 and steps[1].startswith("train 0 (")
    _shot(nb, "tensorflow-overview-light")
    nb.scoped('[data-jtb-profile-section="operators"]').click()
    _wait(nb, "root.querySelector('[data-jtb-op=\"MatMul:_MklMatMul\"]')")
    _shot(nb, "tensorflow-operators-light")
    nb.assert_no_page_errors()
