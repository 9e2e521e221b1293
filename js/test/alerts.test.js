// lib/alerts.js: the alerts list and the badges it places in a board's DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installDom } from "./helpers.js";

const window = await installDom();
globalThis.MutationObserver = window.MutationObserver;
globalThis.CSS = { escape: (text) => text.replace(/["\\]/g, "\\$&") };
globalThis.requestAnimationFrame = (fn) => setTimeout(fn, 0);
globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
const { alertCounts, createAlerts } = await import("../src/lib/alerts.js");
const { h } = await import("../src/lib/dom.js");

function fakeModel(alerts) {
  const handlers = new Set();
  return {
    alerts,
    get(name) { return name === "alerts" ? this.alerts : undefined; },
    on(_event, fn) { handlers.add(fn); },
    off(_event, fn) { handlers.delete(fn); },
    set(alerts) { this.alerts = alerts; for (const fn of handlers) fn(); },
  };
}

const ALERTS = [
  { run: "lr=2", tag: "train/loss", rule: "diverging", step: 312, wall_time: 1.7e9, message: "climbed", active: true },
  { run: "lr=2", tag: "train/loss", rule: "nan", step: 500, wall_time: 1.7e9, message: "value is nan", active: false },
  { run: 'odd "run"', tag: "", rule: "stalled", step: 9, wall_time: 1.7e9, message: "no new points", active: true },
];

test("counts only active alerts, by run and by tag", () => {
  const counts = alertCounts(ALERTS);
  assert.equal(counts.active, 2);
  assert.deepEqual([...counts.byRun], [["lr=2", 1], ['odd "run"', 1]]);
  assert.deepEqual([...counts.byTag], [["train/loss", 1]]);
});

test("the list shows every alert newest first, cleared ones greyed, user text as text", () => {
  const root = h("div");
  const jumped = [];
  const alerts = createAlerts(fakeModel(ALERTS), root, { onJump: (a) => jumped.push(a) });
  root.append(alerts.button, alerts.panel);
  assert.equal(alerts.button.hidden, false);
  assert.equal(alerts.button.textContent, "⚠ 2 alerts");
  const rows = [...alerts.panel.querySelectorAll("[data-jtb-alert]")];
  assert.deepEqual(rows.map((r) => r.getAttribute("data-jtb-alert")), ["2", "1", "0"]);
  assert.equal(rows[1].getAttribute("data-jtb-alert-active"), "false");
  assert.ok(rows[1].classList.contains("jtb-alert-cleared"));
  assert.match(rows[0].textContent, /odd "run"/);
  assert.equal(alerts.panel.querySelector("script,img"), null);
  rows[2].click();
  assert.equal(jumped[0].step, 312);
  alerts.destroy();
});

test("badges go on the run rows, the cards and the scalars tab, and come back after a re-render", async () => {
  const root = h("div", {}, [
    h("div", { "data-jtb-run": "lr=2" }), h("div", { "data-jtb-run": "lr=1" }),
    h("button", { "data-jtb-tab": "scalars" }), h("div", { "data-jtb-chart": "train/loss" }),
  ]);
  const model = fakeModel(ALERTS);
  const alerts = createAlerts(model, root, { onJump() {} });
  const badged = () => [...root.querySelectorAll("[data-jtb-alert-badge]")].map((b) => b.parentElement.getAttribute("data-jtb-run") || b.parentElement.getAttribute("data-jtb-tab") || b.parentElement.getAttribute("data-jtb-chart"));
  assert.deepEqual(badged().sort(), ["lr=2", "scalars", "train/loss"]);
  // the runs table re-renders its rows: the badge is put back
  root.querySelector('[data-jtb-run="lr=2"]').replaceWith(h("div", { "data-jtb-run": "lr=2" }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(badged().sort(), ["lr=2", "scalars", "train/loss"]);
  // every alert cleared: no badges, the button says so
  model.set(ALERTS.map((a) => ({ ...a, active: false })));
  assert.deepEqual(badged(), []);
  assert.equal(alerts.button.textContent, "alerts (3 cleared)");
  alerts.destroy();
});
