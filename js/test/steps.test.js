// lib/steps.js: step selection shared by the views that show one logged item per step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { atOrBefore, blobSeriesState, createBlobLoader, createStepSlider, seriesKey, unionSteps } from "../src/lib/steps.js";
import { installDom } from "./helpers.js";

test("atOrBefore: the last step not after the wanted one, -1 before the first", () => {
  const steps = [0, 10, 20, 40];
  assert.equal(atOrBefore(steps, 25), 2);
  assert.equal(atOrBefore(steps, 40), 3);
  assert.equal(atOrBefore(steps, 1e9), 3);
  assert.equal(atOrBefore(steps, -1), -1);
  assert.equal(atOrBefore([], 5), -1);
});

test("unionSteps: sorted numerically, without duplicates", () => {
  assert.deepEqual(unionSteps([{ steps: [10, 2, 30] }, { steps: Float64Array.from([2, 100, 9]) }, { steps: [] }]), [2, 9, 10, 30, 100]);
  assert.notEqual(seriesKey("a", "b/c"), seriesKey("a/b", "c"));
});

test("the step slider follows the newest step until moved, then stays", async () => {
  const window = await installDom();
  const seen = [];
  const control = createStepSlider({ onChange: (step) => seen.push(step), attrs: { "data-x": "1" } });
  assert.equal(control.slider.getAttribute("data-jtb-step-slider"), "");
  assert.equal(control.setSteps([0, 5, 10]), 10);
  assert.equal(control.setSteps([0, 5, 10, 15]), 15); // follows
  control.slider.value = "1";
  control.slider.dispatchEvent(new window.Event("input"));
  assert.deepEqual(seen, [5]);
  assert.equal(control.setSteps([0, 5, 10, 15, 20]), 5); // stays where the user put it
  assert.equal(control.el.querySelector("[data-jtb-step-value]").textContent, "5");
  control.slider.value = "4";
  control.slider.dispatchEvent(new window.Event("input"));
  assert.equal(control.setSteps([0, 5, 10, 15, 20, 25]), 25); // back at the end: follows again
});

test("blob series state: entries per series, bytes stored, reset clears both", () => {
  const stored = [];
  const view = blobSeriesState("image", ["image/png"]);
  const state = view.createState();
  state.blobs = { store: (msg) => stored.push(msg), clear: () => stored.splice(0) };
  view.onMessage(state, { type: "entries", run: "r", tag: "t", steps: [1] });
  view.onMessage(state, { type: "image", run: "r", tag: "t", step: 1, data: new Uint8Array(1) });
  view.onMessage(state, { type: "audio", run: "r", tag: "t", step: 1 }); // not this view's blobs
  assert.deepEqual(state.entries.get(seriesKey("r", "t")).steps, [1]);
  assert.equal(stored.length, 1);
  view.onMessage(state, { type: "reset" });
  assert.equal(state.entries.size, 0);
  assert.equal(stored.length, 0);
});

test("blob loader: asks the kernel once per step, then serves the stored URL", async () => {
  const urls = new Map();
  const store = { get: (run, tag, step) => urls.get(`${run}|${tag}|${step}`), store: (m) => urls.set(`${m.run}|${m.tag}|${m.step}`, `blob:${m.step}`) };
  const asked = [];
  const load = createBlobLoader(store, (run, tag, step) => {
    asked.push(step);
    return step === 3 ? Promise.reject(new Error("no such step")) : Promise.resolve({ run, tag, step });
  });
  let loaded = 0;
  const failures = [];
  assert.equal(load("r", "t", 1, () => loaded++, (e) => failures.push(e)), null);
  assert.equal(load("r", "t", 1, () => loaded++, (e) => failures.push(e)), null); // not asked twice
  load("r", "t", 3, () => loaded++, (e) => failures.push(e.message));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(asked, [1, 3]);
  assert.equal(loaded, 1);
  assert.deepEqual(failures, ["no such step"]);
  assert.equal(load("r", "t", 1), "blob:1");
  load("r", "t", 3, () => {}, () => {});
  assert.deepEqual(asked, [1, 3]); // a step the kernel does not have is not asked again
});

test("the step slider hides its range while there is one step, the step stays written", async () => {
  await installDom();
  const control = createStepSlider();
  assert.equal(control.setSteps([7]), 7);
  assert.equal(control.slider.style.display, "none");
  assert.equal(control.el.querySelector("[data-jtb-step-value]").textContent, "7");
  control.setSteps([7, 9]);
  assert.equal(control.slider.style.display, "");
});
