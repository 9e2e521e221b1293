// lib/textdiff.js: word diff of two logged texts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { diffWords } from "../src/lib/textdiff.js";

const side = (parts, keep) => parts.filter((p) => p.op === "=" || p.op === keep).map((p) => p.text).join("");

test("the diff rebuilds both texts and marks only what changed", () => {
  const a = "the cat sat on the mat\nsecond line";
  const b = "the dog sat on the mat\nsecond line, longer";
  const parts = diffWords(a, b);
  assert.equal(side(parts, "-"), a);
  assert.equal(side(parts, "+"), b);
  assert.deepEqual(parts.filter((p) => p.op === "-").map((p) => p.text.trim()), ["cat", "line"]);
  assert.deepEqual(parts.filter((p) => p.op === "+").map((p) => p.text.trim()), ["dog", "line, longer"]);
  assert.deepEqual(diffWords("same", "same"), [{ op: "=", text: "same" }]);
  assert.deepEqual(diffWords("", "new"), [{ op: "+", text: "new" }]);
});

test("long texts fall back to lines and still rebuild both sides", () => {
  const a = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(" ");
  const b = a.replace("w1500 ", "changed ");
  const parts = diffWords(a, b);
  assert.equal(side(parts, "-"), a);
  assert.equal(side(parts, "+"), b);
});
