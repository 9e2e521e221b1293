// Drawing the point cloud: the WebGL points (three.js shaders and buffers), the 2-D
// camera's frame, the lasso outline and where point labels go.
import * as THREE from "three";
import { gather } from "./points.js";

export const CAMERA_DISTANCE = 3.2;

const VERTEX = `
attribute vec4 rgba;
#ifdef USE_SPRITE
attribute float spriteIndex;
varying float vSprite;
#endif
uniform float uSize;
uniform float uPerspective;
uniform float uDistance;
uniform float uDim;
uniform vec3 uBackground;
varying vec3 vColor;
void main() {
#ifdef USE_SPRITE
  vSprite = spriteIndex;
#endif
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float size = uSize;
  if (uPerspective > 0.5) size = clamp(uSize * uDistance / max(-mv.z, 0.01), 1.0, 64.0);
  gl_PointSize = size;
  vColor = mix(rgba.rgb, uBackground, uDim);
  if (rgba.a < 0.5) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // hidden: outside the clip cube
}`;

// With a sprite sheet (compiled with USE_SPRITE, so plain points pay nothing for it), each
// point is its own thumbnail: cell spriteIndex of a sheet tiled row by row from the top left,
// uCell = one cell's size as a fraction of the sheet.
const FRAGMENT = `
uniform float uRing;
varying vec3 vColor;
#ifdef USE_SPRITE
uniform sampler2D uSprite;
uniform float uPerRow;
uniform vec2 uCell;
uniform float uDim;
uniform vec3 uBackground;
varying float vSprite;
#endif
void main() {
#ifdef USE_SPRITE
  float col = mod(vSprite, uPerRow);
  float row = floor(vSprite / uPerRow + 0.001);
  vec4 texel = texture2D(uSprite, vec2((col + gl_PointCoord.x) * uCell.x, (row + gl_PointCoord.y) * uCell.y));
  gl_FragColor = vec4(mix(texel.rgb, uBackground, uDim), 1.0);
  return;
#endif
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float r = dot(c, c);
  if (r > 1.0) discard;
  vec3 color = vColor;
  if (uRing > 0.5 && r > 0.5) color = vec3(0.1, 0.1, 0.1);
  gl_FragColor = vec4(color, 1.0);
}`;

// Round points; `ring` draws a dark ring (highlighted points, drawn on top without depth).
function pointMaterial(ring, depthTest) {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    depthTest,
    depthWrite: depthTest,
    uniforms: {
      uSize: { value: 4 },
      uPerspective: { value: 0 },
      uDistance: { value: CAMERA_DISTANCE },
      uDim: { value: 0 },
      uRing: { value: ring ? 1 : 0 },
      uBackground: { value: new THREE.Color(1, 1, 1) },
      uSprite: { value: null },
      uPerRow: { value: 1 },
      uCell: { value: new THREE.Vector2(1, 1) },
    },
  });
}

// The scene: every point, and the highlighted ones again on top (larger, ringed) while the
// rest fade toward the background. Buffers are uploaded in `order` (see points.js).
export function createCloud(background) {
  const scene = new THREE.Scene();
  const geometry = new THREE.BufferGeometry();
  const baseMaterial = pointMaterial(false, true);
  const cloud = new THREE.Points(geometry, baseMaterial);
  cloud.frustumCulled = false;
  const highlightGeometry = new THREE.BufferGeometry();
  const highlightMaterial = pointMaterial(true, false);
  const highlightCloud = new THREE.Points(highlightGeometry, highlightMaterial);
  highlightCloud.frustumCulled = false;
  highlightCloud.renderOrder = 1;
  scene.add(cloud, highlightCloud);
  for (const m of [baseMaterial, highlightMaterial]) m.uniforms.uBackground.value.copy(background);
  let texture = null;
  let sizes = { base: 4, highlight: 9 };
  let uploaded = { n: 0, order: null };
  // each point's sprite cell, uploaded only while thumbnails are shown (plain points skip it)
  const setCells = () => {
    if (!texture) { geometry.deleteAttribute("spriteIndex"); return; }
    const cells = new Float32Array(uploaded.n);
    for (let k = 0; k < uploaded.n; k++) cells[k] = uploaded.order ? uploaded.order[k] : k;
    geometry.setAttribute("spriteIndex", new THREE.BufferAttribute(cells, 1));
  };
  const applySizes = () => {
    // thumbnails need room to be seen: at least 24 device pixels
    baseMaterial.uniforms.uSize.value = texture ? Math.max(24, sizes.base * 5) : sizes.base;
    highlightMaterial.uniforms.uSize.value = sizes.highlight;
  };
  return {
    scene,
    setPositions(positions, order) {
      geometry.setAttribute("position", new THREE.BufferAttribute(gather(positions, order, 3), 3));
      uploaded = { n: positions.length / 3, order };
      setCells();
    },
    // sprite = {bitmap, width, height (one cell), perRow} or null: points drawn as thumbnails
    setSprite(sprite) {
      if (texture) texture.dispose();
      texture = null;
      const u = baseMaterial.uniforms;
      if (sprite) {
        texture = new THREE.Texture(sprite.bitmap);
        texture.flipY = false; // sheet row 0 at texture t = 0
        texture.magFilter = THREE.NearestFilter;
        texture.minFilter = THREE.LinearFilter;
        texture.generateMipmaps = false;
        texture.needsUpdate = true;
        u.uPerRow.value = sprite.perRow;
        u.uCell.value.set(sprite.width / sprite.bitmap.width, sprite.height / sprite.bitmap.height);
      }
      u.uSprite.value = texture;
      baseMaterial.defines = texture ? { USE_SPRITE: "" } : {};
      baseMaterial.needsUpdate = true; // recompiled with or without the thumbnail code
      setCells();
      applySizes();
    },
    setColors(rgba, order) {
      geometry.setAttribute("rgba", new THREE.BufferAttribute(gather(rgba, order, 4), 4, true));
    },
    // shown = highlightPoints(...)
    setHighlight(shown) {
      highlightGeometry.setAttribute("position", new THREE.BufferAttribute(shown.positions, 3));
      highlightGeometry.setAttribute("rgba", new THREE.BufferAttribute(shown.colors, 4, true));
      highlightGeometry.setDrawRange(0, shown.keep.length);
      baseMaterial.uniforms.uDim.value = shown.keep.length ? 0.75 : 0;
    },
    // sizes = pointSizes(...); perspective: sizes shrink with distance (3-D)
    setStyle(next, perspective) {
      for (const m of [baseMaterial, highlightMaterial]) m.uniforms.uPerspective.value = perspective ? 1 : 0;
      sizes = next;
      applySizes();
    },
    setDrawCount(count) { geometry.setDrawRange(0, count); },
    setBackground(colour) { for (const m of [baseMaterial, highlightMaterial]) m.uniforms.uBackground.value.copy(colour); },
    dispose() {
      geometry.dispose(); highlightGeometry.dispose();
      if (texture) texture.dispose();
      baseMaterial.dispose(); highlightMaterial.dispose();
    },
  };
}

// The orthographic camera's frame for a canvas of this aspect: the unit square with a
// margin, stretched along the longer side.
export function orthoFrame(aspect) {
  const half = 1.08;
  return {
    left: -half * Math.max(aspect, 1), right: half * Math.max(aspect, 1),
    top: half / Math.min(aspect, 1), bottom: -half / Math.min(aspect, 1),
  };
}

// The perspective camera's vertical field of view (degrees) for a canvas of this aspect: 45
// on a wide canvas; on a tall one (a narrow board) wider, so the cloud spans the width as it
// spans the height of a wide one instead of running past the sides.
export const FIELD_OF_VIEW = 45;
export function perspectiveFov(aspect) {
  if (!(aspect > 0) || aspect >= 1) return FIELD_OF_VIEW;
  return (2 * Math.atan(Math.tan((FIELD_OF_VIEW * Math.PI) / 360) / aspect) * 180) / Math.PI;
}

// Outline and fill of the lasso (flat [x0, y0, ...] in CSS px) on the overlay canvas; null
// or a point or two clears it.
export function drawLasso(ctx, lasso, width, height) {
  ctx.clearRect(0, 0, width, height);
  if (!lasso || lasso.length < 4) return;
  ctx.beginPath();
  ctx.moveTo(lasso[0], lasso[1]);
  for (let k = 2; k < lasso.length; k += 2) ctx.lineTo(lasso[k], lasso[k + 1]);
  ctx.closePath();
  ctx.fillStyle = "rgba(80, 130, 255, 0.15)";
  ctx.strokeStyle = "rgba(40, 90, 220, 0.9)";
  ctx.fill();
  ctx.stroke();
}

// CSS placement of a label for a point at normalised device coordinates (x, y, z): just
// right of and above the point; not visible when the point is outside the depth range.
export function labelPlacement(x, y, z, width, height) {
  return {
    visible: z >= -1 && z <= 1,
    transform: `translate(${((x + 1) / 2) * width + 6}px, ${((1 - y) / 2) * height - 7}px)`,
  };
}
