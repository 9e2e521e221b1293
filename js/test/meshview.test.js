import assert from "node:assert/strict";
import { test } from "node:test";
import { axisLabels, outerEdges, settle } from "../src/lib/meshview.js";

// looking down -z at the unit box: x to the right, y up (screen y down), z tilts a little down-right
const project = ([x, y, z]) => [100 + 50 * x + 20 * z, 100 - 50 * y + 10 * z];

test("mesh axes: each axis reads along an outer edge of the box, below or beside the cloud", () => {
  const [xEdge, yEdge] = outerEdges([0, 0, 0], [1, 1, 1], project);
  assert.deepEqual(xEdge, [[0, 0, 1], [1, 0, 1]]); // the bottom front edge, not the min corner's
  assert.equal(yEdge[0][1], 0);
  assert.equal(yEdge[1][1], 1);
  // a side of the silhouette (x and z both at the same extreme), not an edge inside it
  assert.ok(yEdge[0][0] === yEdge[0][2], JSON.stringify(yEdge));
});

test("mesh axes: labels are pushed outward from the box centre, clear of the edge", () => {
  const [name, low, high] = axisLabels("x", "0", "1", [100, 200], [200, 200], [150, 100], () => 20);
  for (const label of [name, low, high]) assert.ok(label.y - label.h / 2 > 200, label); // below the edge
  assert.equal(low.x, 100);
  assert.equal(high.x, 200);
});

test("mesh axes: a label covering another moves a line away from it, and stays in the canvas", () => {
  const placed = [{ text: "3.2", x: 100, y: 290, w: 30, h: 13 }];
  const label = { text: "-2.6", x: 105, y: 292, w: 30, h: 13 };
  assert.ok(settle(label, placed, 200, 300));
  assert.ok(Math.abs(label.y - placed[0].y) >= 13, label); // a line apart
  assert.ok(label.y + label.h / 2 <= 300 && label.y - label.h / 2 >= 0, label);
  const crowded = Array.from({ length: 30 }, (_, k) => ({ x: 100, y: 7 + 10 * k, w: 200, h: 13 }));
  assert.equal(settle({ x: 100, y: 150, w: 20, h: 13 }, crowded, 200, 300), false);
});
