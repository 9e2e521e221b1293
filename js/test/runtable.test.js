// lib/runtable.js: rows at a step, statistics over a range, sort orders, the table's DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installDom } from "./helpers.js";
import { createRowTable, rangeRows, sortRows, stepRows } from "../src/lib/runtable.js";

const f64 = (...v) => Float64Array.from(v);
const line = (name, steps, values, extra = {}) => ({
  name, color: "#123456", x: f64(...steps), y: f64(...values), n: steps.length,
  stepAt: (i) => steps[i], wallAt: (i) => 1000 + steps[i] * 10, wall0: 1000, ...extra,
});

test("step rows: the nearest point per line with value, smoothed, step, wall and relative time", () => {
  const a = line("a", [0, 10, 20], [1, 2, 3], { smooth: f64(1, 1.5, 2.2) });
  const b = line("b", [0, 5, 15, 25], [9, 8, 7, 6]);
  const rows = stepRows([a, b], 12);
  assert.deepEqual(rows.map((r) => [r.name, r.step, r.value, r.smoothed, r.shown, r.wall, r.relative]), [
    ["a", 10, 2, 1.5, 1.5, 1100, 100],
    ["b", 15, 7, null, 7, 1150, 150],
  ]);
  assert.deepEqual(stepRows([line("empty", [], [])], 3), []);
});

test("range rows: min, max, mean and change of the raw values inside the range", () => {
  const values = [5, 1, 4, NaN, 9, 2, 6];
  const a = line("a", [0, 1, 2, 3, 4, 5, 6], values);
  const [row] = rangeRows([a], 1, 5); // steps 1..5: 1, 4, (NaN skipped), 9, 2
  assert.deepEqual([row.min, row.max, row.mean, row.change, row.first, row.last, row.count], [1, 9, 4, 1, 1, 5, 4]);
  assert.deepEqual(rangeRows([a], 10, 20), []); // nothing inside: no row
});

test("sort orders: default keeps the order, by value both ways, nearest to y, by name", () => {
  const rows = [{ name: "b", shown: 2 }, { name: "c", shown: 9 }, { name: "a", shown: 5 }];
  const names = (r) => r.map((x) => x.name).join("");
  assert.equal(names(sortRows(rows, "default")), "bca");
  assert.equal(names(sortRows(rows, "ascending")), "bac");
  assert.equal(names(sortRows(rows, "descending")), "cab");
  assert.equal(names(sortRows(rows, "nearest", 8)), "cab");
  assert.equal(names(sortRows(rows, "nearest", 1)), "bac");
  assert.equal(names(sortRows(rows, "name")), "abc");
  assert.equal(names(sortRows(rows, { key: "shown", descending: true })), "cab");
  assert.equal(names(rows), "bca"); // the input is not reordered
});

test("table: one row per run named in visible text, a row limit, header clicks sort", async () => {
  const window = await installDom();
  const table = createRowTable("data-table");
  const rows = stepRows([line("<b>x</b>", [0], [3]), line("y", [0], [1]), line("z", [0], [2])], 0);
  table.show({ rows, sort: "ascending", limit: 2 });
  const shown = [...table.el.querySelectorAll("[data-jtb-data-row]")];
  assert.deepEqual(shown.map((r) => r.getAttribute("data-jtb-data-row")), ["y", "z"]);
  assert.equal(shown[0].querySelector(".jtb-row-name").textContent, "y");
  assert.match(table.el.querySelector("tfoot").textContent, /1 more run/);
  table.show({ rows, sort: "default" });
  assert.equal(table.el.querySelector("[data-jtb-data-row]").querySelector(".jtb-row-name").textContent, "<b>x</b>");
  assert.equal(table.el.querySelector("b"), null); // names are text, never markup
  table.el.querySelector('[data-jtb-sort="name"]').dispatchEvent(new window.Event("click"));
  const order = [...table.el.querySelectorAll("[data-jtb-data-row]")].map((r) => r.getAttribute("data-jtb-data-row"));
  assert.deepEqual(order, ["<b>x</b>", "y", "z"].sort((a, b) => a.localeCompare(b)));
});
