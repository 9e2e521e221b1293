// lib/scatter/*: the point cloud's data, hit-testing (projection, picking, lasso) and the
// pure parts of painting.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MOVING_LIMIT, drawCount, drawableLabels, gather, highlightPoints, normalise, pointSizes, shuffledOrder, withHiddenAlpha,
} from "../src/lib/scatter/points.js";
import { insidePolygon, pickNearest, pointsInPolygon, projectToScreen } from "../src/lib/scatter/hit.js";
import { FIELD_OF_VIEW, drawLasso, labelPlacement, orthoFrame, perspectiveFov } from "../src/lib/scatter/paint.js";
import { recordingContext } from "./helpers.js";

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

test("normalise: finite points into [-1, 1] with the aspect kept; NaN rows hidden", () => {
  const { positions, hidden, visible } = normalise(Float32Array.from([0, 0, 0, 10, 5, 0, NaN, 1, 1, 4, 0, 0]), 2);
  assert.deepEqual(Array.from(hidden), [0, 0, 1, 0]);
  assert.equal(visible, 3);
  assert.deepEqual(Array.from(positions.subarray(0, 6)), [-1, -0.5, 0, 1, 0.5, 0]);
  for (const v of positions) assert.ok(v >= -1 && v <= 1);
  const three = normalise(Float32Array.from([0, 0, -2, 0, 0, 2]), 3);
  assert.deepEqual(Array.from(three.positions), [0, 0, -1, 0, 0, 1]);
  const none = normalise(Float32Array.from([NaN, NaN, NaN]), 3);
  assert.equal(none.visible, 0);
  const same = normalise(Float32Array.from([3, 3, 3, 3, 3, 3]), 3); // zero extent: no division by 0
  assert.deepEqual(Array.from(same.positions), [0, 0, 0, 0, 0, 0]);
});

test("upload order: a seeded permutation, the same every time; gather reorders rows", () => {
  const order = shuffledOrder(1000);
  assert.deepEqual(Array.from(order).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(order, shuffledOrder(1000));
  assert.notDeepEqual(order, shuffledOrder(1000, 7));
  assert.ok(order.slice(0, 100).some((v) => v >= 500)); // a prefix is a sample of the whole
  const rows = Float32Array.from([0, 0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(gather(rows, Uint32Array.from([2, 0, 1]), 2)), [2, 2, 0, 0, 1, 1]);
  assert.equal(gather(rows, null, 2), rows);
});

test("moving clouds draw a sample until the camera rests", () => {
  assert.equal(drawCount(100000, true, 10), MOVING_LIMIT);
  assert.equal(drawCount(100000, true, 1000), 100000);
  assert.equal(drawCount(100000, false, 10), 100000);
  assert.equal(drawCount(50, true, 0, 20), 20);
});

test("colours: hidden points get alpha 0 in a copy; highlights are drawn points only", () => {
  const colors = Uint8Array.from([1, 2, 3, 9, 4, 5, 6, 9, 7, 8, 9, 9]);
  const hidden = Uint8Array.from([0, 1, 0]);
  const rgba = withHiddenAlpha(colors, hidden);
  assert.deepEqual(Array.from(rgba), [1, 2, 3, 255, 4, 5, 6, 0, 7, 8, 9, 255]);
  assert.equal(colors[3], 9); // the caller's colours are untouched
  const positions = Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  const shown = highlightPoints([2, 1, 7, -1, 0], positions, colors, hidden);
  assert.deepEqual(shown.keep, [2, 0]);
  assert.deepEqual(Array.from(shown.positions), [2, 2, 2, 0, 0, 0]);
  assert.deepEqual(Array.from(shown.colors), [7, 8, 9, 255, 1, 2, 3, 255]);
  assert.deepEqual(drawableLabels([{ index: 0 }, { index: 1 }, { index: 5 }], hidden), [{ index: 0 }]);
  assert.equal(drawableLabels(Array.from({ length: 500 }, () => ({ index: 0 })), hidden).length, 200);
});

test("point sizes shrink as the cloud grows; highlights are bigger", () => {
  const few = pointSizes(10, 1), many = pointSizes(1e6, 1);
  assert.ok(few.base > many.base && many.base >= 2 && few.base <= 7);
  assert.ok(few.highlight > few.base);
  assert.equal(pointSizes(10, 2, 5).base, 10);
});

test("projection to the screen: NDC to CSS pixels, hidden and clipped points have NaN depth", () => {
  const positions = Float32Array.from([0, 0, 0, 1, 1, 0, -1, -1, 0, 0, 0, 5]);
  const { xy, depth } = projectToScreen(IDENTITY, positions, Uint8Array.from([0, 0, 1, 0]), 200, 100);
  assert.deepEqual(Array.from(xy.subarray(0, 4)), [100, 50, 200, 0]);
  assert.equal(depth[0], 0);
  assert.ok(Number.isNaN(depth[2])); // hidden
  assert.ok(Number.isNaN(depth[3])); // beyond the far plane
  const m = IDENTITY.slice();
  m[12] = 0.5; // translate x by half the clip cube
  assert.equal(projectToScreen(m, positions, new Uint8Array(4), 200, 100).xy[0], 150);
});

test("picking: nearest drawn point within the radius, the front one on ties", () => {
  const screen = { xy: Float32Array.from([10, 10, 14, 10, 50, 50, 12, 10]), depth: Float32Array.from([0.5, 0, 0, NaN]) };
  assert.equal(pickNearest(screen, 12, 10), 1); // 0 and 1 equally near: 1 is in front
  assert.equal(pickNearest(screen, 10, 10), 0);
  assert.equal(pickNearest(screen, 30, 30), -1);
  assert.equal(pickNearest(screen, 12.5, 10, 0.1), -1); // point 3 is nearest but hidden
});

test("lasso: points inside the polygon (concave shapes too), hidden ones never", () => {
  const square = [0, 0, 10, 0, 10, 10, 0, 10];
  assert.ok(insidePolygon(5, 5, square));
  assert.ok(!insidePolygon(15, 5, square));
  const ell = [0, 0, 10, 0, 10, 2, 2, 2, 2, 10, 0, 10]; // an L
  assert.ok(insidePolygon(1, 8, ell));
  assert.ok(!insidePolygon(6, 6, ell));
  const screen = { xy: Float32Array.from([1, 8, 6, 6, 5, 1, 50, 50, 1, 1]), depth: Float32Array.from([0, 0, 0, 0, NaN]) };
  assert.deepEqual(pointsInPolygon(screen, ell), [0, 2]);
});

test("painting: the 2-D frame keeps the aspect; labels and the lasso are placed in CSS px", () => {
  const wide = orthoFrame(2);
  assert.ok(Math.abs(wide.right - wide.left - 2 * 2.16) < 1e-12 && Math.abs(wide.top - 1.08) < 1e-12);
  const tall = orthoFrame(0.5);
  assert.ok(Math.abs(tall.top - 2.16) < 1e-12 && Math.abs(tall.right - 1.08) < 1e-12);
  // 3-D: a tall canvas widens the vertical view so the horizontal one is the wide canvas's
  assert.equal(perspectiveFov(2), FIELD_OF_VIEW);
  const half = (deg) => Math.tan((deg * Math.PI) / 360);
  assert.ok(Math.abs(half(perspectiveFov(0.5)) * 0.5 - half(FIELD_OF_VIEW)) < 1e-12);
  assert.deepEqual(labelPlacement(0, 0, 0.5, 200, 100), { visible: true, transform: "translate(106px, 43px)" });
  assert.equal(labelPlacement(0, 0, 1.5, 200, 100).visible, false);
  const ctx = recordingContext();
  drawLasso(ctx, [0, 0, 10, 0, 10, 10], 300, 200);
  assert.deepEqual(ctx.calls.map((c) => c[0]), ["clearRect", "beginPath", "moveTo", "lineTo", "lineTo", "closePath", "fill", "stroke"]);
  const cleared = recordingContext();
  drawLasso(cleared, null, 300, 200);
  assert.deepEqual(cleared.calls, [["clearRect", 0, 0, 300, 200]]);
});
