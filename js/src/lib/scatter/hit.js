// What lies under the pointer in the point cloud. Points are projected to the screen on the
// CPU once per camera pose (~1 ms for 100k points, far cheaper than a GPU read-back per mouse
// move); picking and lasso selection then work on those screen positions.

export const PICK_RADIUS = 10; // CSS pixels

// Screen positions (CSS px from the top-left) and clip-space depths of n points under a
// column-major 4x4 view-projection matrix `m`; depth is NaN for hidden points and points
// outside the clip volume.
export function projectToScreen(m, positions, hidden, width, height) {
  const n = hidden.length;
  const xy = new Float32Array(2 * n);
  const depth = new Float32Array(n);
  const p = positions;
  for (let i = 0; i < n; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    const w = m[3] * x + m[7] * y + m[11] * z + m[15];
    const cx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
    const cy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
    const cz = (m[2] * x + m[6] * y + m[10] * z + m[14]) / w;
    xy[2 * i] = ((cx + 1) / 2) * width;
    xy[2 * i + 1] = ((1 - cy) / 2) * height;
    depth[i] = hidden[i] || cz < -1 || cz > 1 ? NaN : cz;
  }
  return { xy, depth };
}

// The point nearest to (x, y) within `radius` pixels, or -1; among near-equal hits the one
// in front.
export function pickNearest({ xy, depth }, x, y, radius = PICK_RADIUS) {
  let best = -1, bestScore = Infinity;
  const r2 = radius * radius;
  for (let i = 0; i < depth.length; i++) {
    if (Number.isNaN(depth[i])) continue;
    const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y;
    const d2 = dx * dx + dy * dy;
    if (d2 > r2) continue;
    const score = d2 + depth[i] * 4;
    if (score < bestScore) { bestScore = score; best = i; }
  }
  return best;
}

// Ray-casting point-in-polygon test; polygon is a flat [x0, y0, x1, y1, ...] array.
export function insidePolygon(x, y, polygon) {
  let inside = false;
  for (let i = 0, j = polygon.length - 2; i < polygon.length; j = i, i += 2) {
    const xi = polygon[i], yi = polygon[i + 1], xj = polygon[j], yj = polygon[j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Indices of the drawn points inside a lasso polygon (flat [x0, y0, ...] in screen px).
export function pointsInPolygon({ xy, depth }, polygon) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < polygon.length; k += 2) {
    x0 = Math.min(x0, polygon[k]); x1 = Math.max(x1, polygon[k]);
    y0 = Math.min(y0, polygon[k + 1]); y1 = Math.max(y1, polygon[k + 1]);
  }
  const chosen = [];
  for (let i = 0; i < depth.length; i++) {
    if (Number.isNaN(depth[i])) continue;
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (x < x0 || x > x1 || y < y0 || y > y1) continue;
    if (insidePolygon(x, y, polygon)) chosen.push(i);
  }
  return chosen;
}
