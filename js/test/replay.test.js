// lib/replay.js: a recorded board's stand-in models (no kernel).
import { test } from "node:test";
import assert from "node:assert/strict";
import { OFFLINE_ERROR, replayMessages, requestKey, standInModel } from "../src/lib/replay.js";

const b64 = (bytes) => Buffer.from(bytes).toString("base64");

test("requestKey sorts argument names and keeps non-ASCII (export.py's request_key)", () => {
  // the same literal is asserted in tests/widgets/test_export.py
  assert.equal(requestKey("session", { run: "é/1", b: 2, a: [1, "x"] }), 'session {"a":[1,"x"],"b":2,"run":"é/1"}');
});

test("recorded messages reach msg:custom listeners with their buffers as ArrayBuffers", () => {
  const model = standInModel({ _kind: "scalars" });
  const got = [];
  model.on("msg:custom", (msg, buffers) => got.push([msg, buffers]));
  replayMessages(model, [[{ type: "reset" }, []], [{ type: "series", value: { buffer: 0, dtype: "uint8", shape: [3] } }, [b64([7, 8, 9])]]]);
  assert.equal(got.length, 2);
  assert.deepEqual([...new Uint8Array(got[1][1][0])], [7, 8, 9]);
});

test("get/set/on/off behave like a widget model; save_changes is harmless", () => {
  const model = standInModel({ tab: "scalars" });
  const seen = [];
  const fn = (_m, value) => seen.push(value);
  model.on("change:tab", fn);
  model.set("tab", "images");
  model.save_changes();
  model.off("change:tab", fn);
  model.set("tab", "text");
  assert.equal(model.get("tab"), "text");
  assert.deepEqual(seen, ["images"]);
});

test("a recorded request is answered; any other fails with the offline note", async () => {
  const reply = [{ type: "reply", data: { n: 1 } }, []];
  const model = standInModel({}, { [requestKey("session", { run: "a" })]: reply });
  const replies = [];
  model.on("msg:custom", (msg) => replies.push(msg));
  model.send({ type: "request", id: 4, op: "session", args: { run: "a" } });
  model.send({ type: "request", id: 5, op: "session", args: { run: "b" } });
  model.send({ type: "hello" });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(replies, [{ type: "reply", id: 4, data: { n: 1 } }, { type: "reply", id: 5, error: OFFLINE_ERROR }]);
});
