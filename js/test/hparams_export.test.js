// lib/hparams_export.js: the sessions table as CSV, JSON and LaTeX.
import { test } from "node:test";
import assert from "node:assert/strict";
import { exportSessions } from "../src/lib/hparams_export.js";

const columns = [
  { name: "lr", group: "hparam", kind: "number" },
  { name: "optimizer", group: "hparam", kind: "string" },
  { name: "hparam/accuracy", group: "metric", kind: "number" },
];
const rows = [
  { run: "a", status: "success", cells: [0.1, 'adam, "beta"', 0.9] },
  { run: "b_1", status: "unknown", cells: [0.001, "sgd & 50%", null] },
];

test("CSV: a header, one line per session, fields quoted when they hold commas or quotes", () => {
  const text = exportSessions("csv", { rows, columns });
  assert.equal(text, 'run,lr,optimizer,hparam/accuracy,status\na,0.1,"adam, ""beta""",0.9,success\nb_1,0.001,sgd & 50%,,unknown\n');
});

test("JSON: hparams and metrics apart, missing values null", () => {
  const parsed = JSON.parse(exportSessions("json", { rows, columns }));
  assert.deepEqual(parsed[1], { run: "b_1", status: "unknown", hparams: { lr: 0.001, optimizer: "sgd & 50%" }, metrics: { "hparam/accuracy": null } });
});

test("LaTeX: a tabular with numbers right-aligned and special characters escaped", () => {
  const text = exportSessions("latex", { rows, columns });
  assert.ok(text.startsWith("\\begin{tabular}{lrlrl}\n"));
  assert.ok(text.includes("  b\\_1 & 0.001 & sgd \\& 50\\% &  & unknown \\\\"));
  assert.equal(text.split("\n").filter((l) => l.endsWith("\\\\")).length, 3);
  assert.throws(() => exportSessions("xml", { rows, columns }), /unknown format/);
});
