"""Harness smoke test: a plain inline anywidget renders and round-trips in Lab and Notebook 7.

If this fails, the board tests cannot pass either: it isolates "widgets do not work in
this browser/server" from "our board is broken".
"""

import pytest

COUNTER_CELL = '''
import anywidget, traitlets

class Counter(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model, el }) {
        const b = document.createElement("button");
        b.className = "smoke-counter";
        const show = () => { b.textContent = `count is ${model.get("value")}`; };
        b.addEventListener("click", () => { model.set("value", model.get("value") + 1); model.save_changes(); });
        model.on("change:value", show);
        show();
        el.appendChild(b);
        return () => model.off("change:value", show);
      }
    };
    """
    value = traitlets.Int(0).tag(sync=True)

counter = Counter()
counter
'''


@pytest.mark.ui
@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
def test_inline_anywidget_counter_renders_and_syncs(frontend, request):
    nb = request.getfixturevalue(frontend)()
    nb.open([COUNTER_CELL, "print('kernel sees', counter.value)"])
    nb.run_cell(0)
    button = nb.wait_output("button.smoke-counter")
    assert button.inner_text() == "count is 0"
    button.click()
    button.click()
    nb.page.wait_for_function(
        "(id) => document.getElementById(id).querySelector('button.smoke-counter').textContent === 'count is 2'",
        arg=nb.widget_id,
    )
    nb.wait_idle()
    nb.run_cell(1)
    nb.wait_idle()
    nb.page.wait_for_function(
        "(id) => /kernel sees 2/.test(document.getElementById(id).innerText)", arg=nb.widget_id
    )
    nb.screenshot(f"smoke-counter-{frontend}")
    nb.assert_no_page_errors()
