// lib/selection.js: ticking (later runs ticked, kept across a reload), colours persisted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSelection } from "../src/lib/selection.js";
import { createRunColors } from "../src/lib/colors.js";

test("runs appearing later are ticked; unticked ones stay unticked after a reload", () => {
  const a = createSelection({ allocate: createRunColors() });
  a.setRuns(["a", "b"]);
  a.toggle("b", false);
  a.setRuns(["a", "b", "c"]);
  assert.deepEqual(a.selectedRuns(), ["a", "c"]);
  // the page reloads with what was persisted; "d" appeared meanwhile
  const b = createSelection({ selected: a.selectedRuns(), deselected: a.deselectedRuns(), allocate: createRunColors() });
  b.setRuns(["a", "b", "c", "d"]);
  assert.deepEqual(b.selectedRuns(), ["a", "c", "d"]);
});

test("a selection given alone from Python is exact for the runs there, later runs ticked", () => {
  const s = createSelection({ selected: ["a"], allocate: createRunColors() });
  s.setRuns(["a", "b"]);
  assert.deepEqual(s.selectedRuns(), ["a"]);
  s.setRuns(["a", "b", "c"]);
  assert.deepEqual(s.selectedRuns(), ["a", "c"]);
  assert.deepEqual(s.deselectedRuns(), ["b"]);
});

test("colours: persisted ones win and are claimed, others do not collide, a change is heard", () => {
  const allocate = createRunColors();
  const first = createSelection({ allocate });
  first.setRuns(["x", "y", "z"]);
  const persisted = first.runColors();
  assert.equal(new Set(Object.values(persisted)).size, 3);
  // a fresh page: the persisted colours come back even if the allocator would pick others
  const fresh = createRunColors();
  fresh("y"); fresh("z"); // other boards took colours first
  const again = createSelection({ colors: { ...persisted, bad: "red" }, allocate: fresh });
  again.setRuns(["x", "y", "z", "w"]);
  for (const run of ["x", "y", "z"]) assert.equal(again.color(run), persisted[run]);
  assert.ok(!Object.values(persisted).includes(again.color("w")));
  assert.equal(again.color("bad"), fresh("bad")); // not a #rrggbb: ignored
  const heard = [];
  again.subscribe((reason) => heard.push(reason));
  again.setColor("x", "#123ABC");
  again.setColor("x", "not a colour");
  assert.equal(again.color("x"), "#123abc");
  assert.deepEqual(heard, ["colors"]);
  assert.equal(again.runColors().x, "#123abc");
});

test("setSelected ticks exactly the runs given (Python setting selected_runs), heard once", () => {
  const s = createSelection({ allocate: createRunColors() });
  s.setRuns(["a", "b", "c"]);
  const heard = [];
  s.subscribe((reason) => heard.push(reason));
  s.setSelected(["a", "c", "not-yet"]);
  s.setSelected(["c", "a"]); // no change: not heard
  assert.deepEqual(s.selectedRuns(), ["a", "c"]);
  assert.deepEqual(s.deselectedRuns(), ["b"]);
  assert.deepEqual(heard, ["selected"]);
});
