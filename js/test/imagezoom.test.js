// lib/imagezoom.js: the pixel under the cursor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describePixel, fitScale, pixelUnder } from "../src/lib/imagezoom.js";

test("pixelUnder maps drawn CSS pixels to image pixels at any zoom", () => {
  assert.deepEqual(pixelUnder(0, 0, 28, 28, 28), { x: 0, y: 0 });
  assert.deepEqual(pixelUnder(27.9, 3.2, 28, 28, 28), { x: 27, y: 3 });
  assert.deepEqual(pixelUnder(17, 9, 112, 28, 14), { x: 4, y: 2 }); // 4x
  assert.equal(pixelUnder(112, 0, 112, 28, 14), null);
  assert.equal(pixelUnder(-1, 0, 28, 28, 28), null);
});

test("describePixel reads RGBA at (x, y) of a row-major image", () => {
  const data = new Uint8ClampedArray(4 * 3 * 2);
  data.set([9, 8, 7, 6], 4 * (1 * 3 + 2));
  assert.equal(describePixel(data, 3, 2, 1), "x 2, y 1 · RGBA 9 8 7 6");
});

test("fit zoom fills the box without cropping", () => {
  assert.equal(fitScale(28, 28, 560, 400), 8);
  assert.equal(fitScale(1000, 500, 500, 500), 0.5);
});
