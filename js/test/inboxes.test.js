// inboxes.js: per-model inboxes, and models a host never initialized brought up on demand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inboxes, openInbox } from "../src/inboxes.js";

function fakeModel(uid) {
  const listeners = [];
  return {
    get: (name) => (name === "_uid" ? uid : undefined),
    on: (name, fn) => listeners.push(fn),
    emit: (msg, buffers = []) => listeners.forEach((fn) => fn(msg, buffers)),
  };
}

test("a missing inbox is asked of instantiate once per get, and resolves when its model opens", async () => {
  const asked = [];
  inboxes().instantiate = (uid) => asked.push(uid);
  const pending = inboxes().get("tab-1");
  assert.deepEqual(asked, ["tab-1"]);
  const inbox = openInbox(fakeModel("tab-1")); // what the host's initialize of that model does
  assert.equal(await pending, inbox);
  await inboxes().get("tab-1"); // present now: not asked again
  assert.deepEqual(asked, ["tab-1"]);
  inboxes().instantiate = null;
});

test("the kernel's library answer stays out of the view's inbox", () => {
  const model = fakeModel("view-1");
  const inbox = openInbox(model);
  model.emit({ type: "library" }, [new ArrayBuffer(4)]);
  model.emit({ type: "reset" });
  assert.equal(inbox.received, 1);
  assert.deepEqual(inbox.queue.map(([msg]) => msg.type), ["reset"]);
});

test("a batch (a snapshot sent again) reaches the session as its messages, in one go", () => {
  const model = fakeModel("view-2");
  const inbox = openInbox(model);
  const buffers = [new ArrayBuffer(8)];
  model.emit({ type: "batch", messages: [{ type: "reset" }, { type: "series", value: { buffer: 0 } }] }, buffers);
  assert.deepEqual(inbox.queue.map(([msg]) => msg.type), ["reset", "series"]);
  assert.equal(inbox.queue[1][1], buffers); // buffer indexes refer to the batch's list
});

test("deltas before the first snapshot are dropped (the snapshot sent again holds them); replies pass", () => {
  const model = fakeModel("view-3");
  const inbox = openInbox(model);
  model.emit({ type: "series", tag: "loss" }); // the first snapshot was lost by the host
  model.emit({ type: "reply", id: 1 });
  assert.deepEqual(inbox.queue.map(([msg]) => msg.type), ["reply"]);
  model.emit({ type: "batch", messages: [{ type: "reset" }, { type: "series", tag: "loss" }] });
  model.emit({ type: "series", tag: "loss" }); // a delta after it: kept
  assert.deepEqual(inbox.queue.map(([msg]) => msg.type), ["reply", "reset", "series", "series"]);
});
