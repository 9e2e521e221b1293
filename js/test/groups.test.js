// lib/groups.js: regex grouping as Python's, the shared grouping, bands, group lines on charts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installDom } from "./helpers.js";
import { bandOf, foldGroupMessage, groupByRegex, groupingOf, sessionGroupRows, withGroups, withGroupsByTag } from "../src/lib/groups.js";
import { createSelection } from "../src/lib/selection.js";
import { createSettings } from "../src/lib/settings.js";
import { stepRows } from "../src/lib/runtable.js";

const f64 = (...v) => Float64Array.from(v);
const RUNS = ["baseline", "lr=0.1/seed=1", "lr=0.1/seed=2", "lr=0.3/seed=1"];

test("a regex's matches are removed from run names; runs it leaves alone are not grouped", () => {
  assert.deepEqual(groupByRegex(RUNS, "/seed=\\d+"), { "lr=0.1/seed=1": "lr=0.1", "lr=0.1/seed=2": "lr=0.1", "lr=0.3/seed=1": "lr=0.3" });
  assert.deepEqual(groupByRegex(["ab"], "ab"), {}); // nothing left: alone, as in Python
  assert.equal(groupByRegex(RUNS, "hparam:lr"), null); // the kernel decides
  assert.equal(groupByRegex(RUNS, "(unclosed"), null);
});

test("the grouping: regex at once, hparam from the kernel only for its own text", () => {
  const selection = createSelection();
  selection.setRuns(RUNS);
  const grouping = groupingOf(selection);
  assert.equal(groupingOf(selection), grouping);
  const events = [];
  selection.subscribe((reason) => events.push(reason));
  const edits = [];
  grouping.onEdit = (text) => edits.push(text);
  grouping.edit("/seed=\\d+");
  assert.deepEqual(edits, ["/seed=\\d+"]);
  assert.deepEqual(events, ["groups"]);
  assert.deepEqual(grouping.groups(selection.runs), [
    { name: "lr=0.1", members: ["lr=0.1/seed=1", "lr=0.1/seed=2"] }, { name: "lr=0.3", members: ["lr=0.3/seed=1"] },
  ]);
  assert.equal(grouping.groupOf("baseline"), null);
  grouping.edit("hparam:lr");
  assert.deepEqual(grouping.groups(selection.runs), []); // not the kernel's answer yet
  grouping.setKernel({ group_by: "/seed=\\d+", groups: { baseline: "x" } }); // stale: another text
  assert.deepEqual(grouping.groups(selection.runs), []);
  grouping.setKernel({ group_by: "hparam:lr", groups: { "lr=0.1/seed=1": "lr=0.1", baseline: "lr=0.1" } });
  assert.deepEqual(grouping.groups(selection.runs), [{ name: "lr=0.1", members: ["baseline", "lr=0.1/seed=1"] }]);
});

const AGG = {
  type: "group", group: "g", tag: "loss", members: ["g/seed=1", "g/seed=2"], step: f64(0, 1, 2),
  mean: f64(1, 2, 3), std: f64(0.5, NaN, 1), min: f64(0.5, 2, 2), max: f64(1.5, 2, 4), median: f64(1, 2, 3.5), count: f64(2, 1, 2),
};

test("bands: std, min-max and the 95% interval of the mean; no band where one member", () => {
  const agg = { ...AGG, n: 3 };
  const std = bandOf(agg, "mean", "std");
  assert.deepEqual([...std.lower], [0.5, NaN, 2]);
  assert.deepEqual([...std.upper], [1.5, NaN, 4]);
  assert.deepEqual([...bandOf(agg, "median", "minmax").center], [1, 2, 3.5]);
  assert.deepEqual([...bandOf(agg, "mean", "minmax").upper], [1.5, 2, 4]);
  const ci = bandOf(agg, "mean", "ci95");
  assert.ok(Math.abs(ci.upper[0] - (1 + (1.96 * 0.5) / Math.sqrt(2))) < 1e-12);
});

test("group lines replace their members' lines on the step axis, members faint on request", async () => {
  await installDom();
  const selection = createSelection();
  selection.setRuns(["g/seed=1", "g/seed=2", "other"]);
  groupingOf(selection).edit("/seed=\\d+");
  const settings = createSettings({ smoothing: 0 });
  const state = {};
  foldGroupMessage(state, AGG);
  const run = (name) => ({ name, color: "#112233", x: f64(0, 1), y: f64(1, 2), n: 2 });
  const el = document.createElement("div");
  const lines = withGroups(["g/seed=1", "g/seed=2", "other"].map(run), { tag: "loss", state, selection, settings, el });
  assert.deepEqual(lines.map((l) => l.name), ["g", "other"]);
  assert.equal(el.getAttribute("data-jtb-band"), "std");
  assert.equal(lines[0].countAt(1), 1);
  assert.deepEqual([...lines[0].upper], [1.5, NaN, 4]);
  const [row] = stepRows(lines.slice(0, 1), 2); // the hover readout: centre, band and n at the step
  assert.deepEqual([row.name, row.value, row.band, row.count], ["g", 3, [2, 4], 2]);
  settings.set("group_members", true);
  const faint = withGroups(["g/seed=1", "g/seed=2", "other"].map(run), { tag: "loss", state, selection, settings, el });
  assert.deepEqual(faint.map((l) => [l.name, l.color]), [["g/seed=1", "#11223355"], ["g/seed=2", "#11223355"], ["g", selection.color("g")], ["other", "#112233"]]);
  settings.set("group_members", false);
  settings.set("x_axis", "wall"); // a message without times (an older kernel): runs as they are
  assert.deepEqual(withGroups([run("g/seed=1")], { tag: "loss", state, selection, settings, el }).map((l) => l.name), ["g/seed=1"]);
  assert.equal(el.hasAttribute("data-jtb-band"), false);
  foldGroupMessage(state, { ...AGG, wall: f64(100, 110, 125), relative: f64(0, 10, 25) });
  for (const [axis, xs] of [["wall", [100, 110, 125]], ["relative", [0, 10, 25]]]) { // time axes: members' mean times
    settings.set("x_axis", axis);
    const [group] = withGroups([run("g/seed=1"), run("g/seed=2")], { tag: "loss", state, selection, settings, el });
    assert.deepEqual([group.name, [...group.x], group.wallAt(2)], ["g", xs, 125]);
    assert.equal(el.getAttribute("data-jtb-band"), "std");
  }
  foldGroupMessage(state, { type: "group_drop", group: "g", tag: "loss" });
  assert.equal(state.groups.size, 0);
});

test("hparams group rows: mean ± std (n) under metric columns, blank under hparams", async () => {
  await installDom();
  const groups = [{ name: "lr=0.1", members: ["a", "b"], metrics: { final: [0.5, 0.25, 2], other: [null, null, 0] } }];
  const columns = [{ name: "lr", group: "hparam" }, { name: "final", group: "metric" }, { name: "other", group: "metric" }];
  const [row] = sessionGroupRows(groups, columns, () => "#123456");
  assert.equal(row.getAttribute("data-jtb-session-group"), "lr=0.1");
  assert.deepEqual([...row.children].map((td) => td.textContent), ["lr=0.1 (2 runs)", "", "0.5 ± 0.25 (n=2)", "", "", "", ""]);
});

test("charts of several tags: each tag's group replaces its runs, named and dashed by tag", async () => {
  await installDom();
  const selection = createSelection();
  selection.setRuns(["g/seed=1", "g/seed=2"]);
  const settings = createSettings({ smoothing: 0 });
  const state = {};
  foldGroupMessage(state, AGG); // tag "loss" only
  const run = (name, tag) => ({ name: `${name}: ${tag}`, run: name, tag, color: "#112233", x: f64(0, 1), y: f64(1, 2), n: 2 });
  const lines = ["g/seed=1", "g/seed=2"].flatMap((r) => [run(r, "loss"), run(r, "acc")]);
  const el = document.createElement("div");
  const opts = { state, selection, settings, el, dashOf: (tag) => (tag === "acc" ? [6, 3] : []) };
  assert.deepEqual(withGroupsByTag(lines, ["loss", "acc"], opts), lines); // no grouping: as given
  groupingOf(selection).edit("/seed=\\d+");
  const grouped = withGroupsByTag(lines, ["loss", "acc"], opts);
  assert.deepEqual(grouped.map((l) => [l.name, l.dash || null]), [["g: loss", []], ["g/seed=1: acc", null], ["g/seed=2: acc", null]]);
  assert.equal(el.getAttribute("data-jtb-band"), "std");
});
