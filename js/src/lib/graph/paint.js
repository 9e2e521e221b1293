// Painting the laid-out graph on a 2-D canvas context whose transform already maps world to
// canvas pixels (scale view.k). Labels are painted with fillText: user strings never become
// markup. Zoomed in, each item and edge is drawn with its label, arrowhead and style; zoomed
// out (labels unreadable anyway) everything of one style is one path, so thousands of items
// cost a handful of canvas calls. Text is painted only where it is legible (at least
// MIN_TEXT_PX on screen): op labels need zoom >= 8/11, scope titles are drawn at a fixed
// screen size on boxes wide enough for them, so "Expand all" at fit zoom shows the scope
// names and clean boxes instead of a smear of 3-pixel text.
//
// look = {fill: per-item colour or null (colour by device/structure), bright: Set of drawn
// items to keep bright (trace inputs; others fade) or null, marks: Set of items matching the
// search, edgeLabel(drawnEdge) -> text (tensor shapes), muted (text colour on the stage),
// halo (the stage's background, behind edge labels), ink (graphInk(dark): node fills, strokes
// and text for the theme)}. Returns {labels, minLabelPx}.
import { KIND_OP } from "./hierarchy.js";
import { boxInRect, endsInRect, pathInRect } from "./viewport.js";

// Light theme: pale nodes, dark text (TensorBoard's look). Dark theme: dark nodes a little
// above the stage, light text, brighter strokes; a colour-by fill is mixed into the dark.
const LIGHT = {
  op: "#ffffff", opStroke: "#5f6b7a", meta: "#dbe7f6", metaStroke: "#44698f",
  cluster: "rgba(120,150,190,0.08)", clusterStroke: "#8aa2c0", edge: "#8a9099",
  control: "#b0b6bd", selected: "#f28e2b", text: "#1f2933", muted: "#6b7785",
  veil: "rgba(200,200,200,0.8)", dark: false,
};
const DARK = {
  op: "#2d333b", opStroke: "#8b96a3", meta: "#233447", metaStroke: "#6f9bc8",
  cluster: "rgba(120,150,190,0.10)", clusterStroke: "#4f6580", edge: "#8a9099",
  control: "#5c636b", selected: "#f28e2b", text: "#e6edf3", muted: "#9aa5b1",
  veil: "rgba(30,30,30,0.8)", dark: true,
};
export const graphInk = (dark) => (dark ? DARK : LIGHT);
const DARK_BASE = [0x22, 0x26, 0x2b]; // what a colour-by fill is mixed into on dark themes
const TEXT_ZOOM = 0.35; // below this zoom, the overview
export const MIN_TEXT_PX = 8; // smaller text is not painted
const MARK = "#e0a800"; // search matches

const NO_LOOK = { fill: null, bright: null, marks: null, edgeLabel: null, muted: LIGHT.muted, halo: null, ink: LIGHT };

// A colour-by fill ("#rrggbb", pale: style.js's PALETTE) as drawn on the theme: as is on light
// themes, 35 % of it over a dark grey on dark ones (light text stays readable on it).
export function themedFill(hex, ink) {
  if (!ink.dark) return hex;
  const v = parseInt(hex.slice(1), 16);
  const mix = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c, k) => Math.round(0.35 * c + 0.65 * DARK_BASE[k]));
  return `#${mix.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

// scene = {vis, lay, paths} (layoutScene), rect = the visible world rectangle (worldRect),
// selected = item index or -1.
export function paintGraph(ctx, h, scene, view, rect, selected, look = NO_LOOK) {
  const stats = { labels: 0, minLabelPx: Infinity };
  look = { ...NO_LOOK, ...look };
  if (view.k > TEXT_ZOOM) paintDetail(ctx, h, scene, view, rect, selected, look, stats);
  else paintOverview(ctx, h, scene, view, rect, selected, look, stats);
  return stats;
}

// Text of `px` screen pixels at (x, y) in world units, when legible; `halo` (a colour) clears
// a margin around it first (edge labels over lines).
function label(ctx, view, stats, text, x, y, px, maxScreenWidth, bold = false, halo = null) {
  if (px < MIN_TEXT_PX || maxScreenWidth < 3 * px) return;
  ctx.font = `${bold ? "bold " : ""}${px / view.k}px sans-serif`;
  if (halo) {
    const fill = ctx.fillStyle;
    ctx.strokeStyle = halo;
    ctx.lineWidth = 3 / view.k;
    ctx.lineJoin = "round";
    ctx.strokeText(text, x, y, maxScreenWidth / view.k);
    ctx.fillStyle = fill;
  }
  ctx.fillText(text, x, y, maxScreenWidth / view.k);
  stats.labels += 1;
  stats.minLabelPx = Math.min(stats.minLabelPx, px);
}

function clusterTitles(ctx, h, vis, lay, view, rect, stats, look) {
  ctx.fillStyle = look.muted; // on the stage background: the theme's colour
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  for (const i of vis.items) {
    const p = lay.pos.get(i);
    if (!p.cluster || !boxInRect(p, rect) || p.h * view.k < 24) continue;
    // 11 px on screen whatever the zoom (capped at the world size when zoomed in)
    const px = Math.min(11, 11 * view.k) >= MIN_TEXT_PX ? Math.min(11, 11 * view.k) : 11;
    label(ctx, view, stats, `− ${h.labels[i]}`, p.x - p.w / 2 + 6 / view.k, p.y - p.h / 2 + 3 / view.k, px, (p.w - 12) * view.k, true);
  }
}

function paintDetail(ctx, h, { vis, lay, paths }, view, rect, selected, look, stats) {
  const faded = (i) => look.bright && !look.bright.has(i);
  // clusters, outermost first (items are parents-first)
  for (const i of vis.items) {
    const p = lay.pos.get(i);
    if (!p.cluster || !boxInRect(p, rect)) continue;
    ctx.fillStyle = (look.fill && look.fill[i]) ? withAlpha(look.fill[i], 0.25) : look.ink.cluster;
    ctx.strokeStyle = i === selected ? look.ink.selected : look.marks?.has(i) ? MARK : look.ink.clusterStroke;
    ctx.lineWidth = (look.marks?.has(i) ? 3 : 1) / view.k;
    roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, 6);
    ctx.fill(); ctx.stroke();
  }
  clusterTitles(ctx, h, vis, lay, view, rect, stats, look);
  const textPx = 11 * view.k;
  // edges
  for (let e = 0; e < vis.edges.length; e++) {
    const pts = paths[e];
    if (!pts || pts.length < 2 || !pathInRect(pts, rect)) continue;
    const ed = vis.edges[e];
    const hot = selected >= 0 && (ed.src === selected || ed.dst === selected);
    ctx.globalAlpha = faded(ed.src) || faded(ed.dst) ? 0.15 : 1;
    ctx.strokeStyle = hot ? look.ink.selected : ed.control ? look.ink.control : look.ink.edge;
    ctx.lineWidth = edgeWidth(ed) / Math.max(view.k, 0.5);
    ctx.setLineDash(ed.control ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(pts[0].x, pts[0].y);
    for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
    ctx.stroke();
    ctx.setLineDash([]);
    arrow(ctx, pts[pts.length - 2], pts[pts.length - 1]);
    const text = look.edgeLabel ? look.edgeLabel(ed) : ed.count > 1 ? `×${ed.count}` : "";
    if (text) {
      const a = pts[Math.floor((pts.length - 1) / 2)], b = pts[Math.floor((pts.length - 1) / 2) + 1];
      ctx.fillStyle = look.muted;
      ctx.textBaseline = "middle";
      ctx.textAlign = "left";
      // at most 11 px: a tensor shape is a note beside the line, not a headline
      label(ctx, view, stats, text, (a.x + b.x) / 2 + 4 / view.k, (a.y + b.y) / 2, Math.min(11, 10 * view.k), 140, false, look.halo);
    }
  }
  ctx.globalAlpha = 1;
  // nodes
  ctx.textBaseline = "middle";
  for (const i of vis.items) {
    const p = lay.pos.get(i);
    if (p.cluster || !boxInRect(p, rect)) continue;
    const isOp = h.model.kind[i] === KIND_OP;
    const marked = look.marks?.has(i);
    ctx.globalAlpha = faded(i) ? 0.25 : 1;
    ctx.fillStyle = look.fill && look.fill[i] ? themedFill(look.fill[i], look.ink) : isOp ? look.ink.op : look.ink.meta;
    ctx.strokeStyle = i === selected ? look.ink.selected : marked ? MARK : isOp ? look.ink.opStroke : look.ink.metaStroke;
    ctx.lineWidth = (i === selected || marked ? 3 : 1) / Math.max(view.k, 0.5);
    roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, isOp ? p.h / 2 : 5);
    ctx.fill(); ctx.stroke();
    ctx.fillStyle = look.ink.text;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const room = (p.w - 8) * view.k;
    if (isOp) {
      label(ctx, view, stats, h.labels[i], p.x, p.y, textPx, room);
    } else {
      label(ctx, view, stats, `+ ${h.labels[i]}`, p.x, p.y - 7, textPx, room, true);
      ctx.fillStyle = look.ink.muted;
      label(ctx, view, stats, `${h.model.n_ops[i]} ops`, p.x, p.y + 8, 10 * view.k, room);
    }
    ctx.textAlign = "left";
  }
  ctx.globalAlpha = 1;
}

function paintOverview(ctx, h, { vis, lay, paths }, view, rect, selected, look, stats) {
  const px = 1 / view.k;
  const rects = (pred) => {
    ctx.beginPath();
    for (const i of vis.items) {
      const p = lay.pos.get(i);
      if (pred(i, p) && boxInRect(p, rect)) ctx.rect(p.x - p.w / 2, p.y - p.h / 2, p.w, p.h);
    }
  };
  ctx.lineWidth = px;
  rects((i, p) => p.cluster);
  ctx.fillStyle = look.ink.cluster; ctx.fill();
  ctx.strokeStyle = look.ink.clusterStroke; ctx.stroke();
  for (const control of [0, 1]) {
    ctx.beginPath();
    vis.edges.forEach((ed, e) => {
      const pts = paths[e];
      if (ed.control !== control || !pts || pts.length < 2 || !endsInRect(pts, rect)) return;
      ctx.moveTo(pts[0].x, pts[0].y);
      for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
    });
    ctx.strokeStyle = control ? look.ink.control : look.ink.edge;
    ctx.stroke();
  }
  for (const isOp of [true, false]) {
    rects((i, p) => !p.cluster && (h.model.kind[i] === KIND_OP) === isOp);
    ctx.fillStyle = isOp ? look.ink.op : look.ink.meta; ctx.fill();
    ctx.strokeStyle = isOp ? look.ink.opStroke : look.ink.metaStroke; ctx.stroke();
  }
  if (look.fill) { // coloured items over the plain ones, one path per colour
    const byColour = new Map();
    for (const i of vis.items) if (look.fill[i] && !lay.pos.get(i).cluster) (byColour.get(look.fill[i]) || byColour.set(look.fill[i], []).get(look.fill[i])).push(i);
    for (const [colour, items] of byColour) {
      ctx.beginPath();
      for (const i of items) { const q = lay.pos.get(i); if (boxInRect(q, rect)) ctx.rect(q.x - q.w / 2, q.y - q.h / 2, q.w, q.h); }
      ctx.fillStyle = themedFill(colour, look.ink); ctx.fill();
    }
  }
  if (look.bright) { // trace inputs: veil the rest
    ctx.beginPath();
    for (const i of vis.items) { const q = lay.pos.get(i); if (!q.cluster && !look.bright.has(i) && boxInRect(q, rect)) ctx.rect(q.x - q.w / 2, q.y - q.h / 2, q.w, q.h); }
    ctx.fillStyle = look.ink.veil; ctx.fill();
  }
  ctx.lineWidth = 3 * px;
  ctx.strokeStyle = MARK;
  for (const i of look.marks || []) { const q = lay.pos.get(i); if (q) ctx.strokeRect(q.x - q.w / 2, q.y - q.h / 2, q.w, q.h); }
  const p = selected >= 0 && lay.pos.get(selected);
  if (p) {
    ctx.strokeStyle = look.ink.selected;
    ctx.strokeRect(p.x - p.w / 2, p.y - p.h / 2, p.w, p.h);
  }
  clusterTitles(ctx, h, vis, lay, view, rect, stats, look); // scope names stay legible at any zoom
}

// "#rrggbb" with an alpha
function withAlpha(hex, alpha) {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha})`;
}

// Stroke width (world units at zoom 1) of a merged edge: control edges hairlines, data edges
// thicker the more op edges they stand for.
function edgeWidth(ed) {
  return ed.control ? 1 : Math.min(6, 1 + Math.log2(ed.count));
}

function arrow(ctx, a, b) {
  const ang = Math.atan2(b.y - a.y, b.x - a.x), s = 6;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.beginPath();
  ctx.moveTo(b.x, b.y);
  ctx.lineTo(b.x - s * Math.cos(ang - 0.4), b.y - s * Math.sin(ang - 0.4));
  ctx.lineTo(b.x - s * Math.cos(ang + 0.4), b.y - s * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
}

function roundRect(ctx, x, y, w, h, r) {
  r = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
