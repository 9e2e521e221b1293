// Painting the laid-out graph on a 2-D canvas context whose transform already maps world to
// canvas pixels (scale view.k). Labels are painted with fillText: user strings never become
// markup. Zoomed in, each item and edge is drawn with its label, arrowhead and style; zoomed
// out (labels unreadable anyway) everything of one style is one path, so thousands of items
// cost a handful of canvas calls.
import { KIND_OP } from "./hierarchy.js";
import { boxInRect, endsInRect, pathInRect } from "./viewport.js";

const COLORS = {
  op: "#ffffff", opStroke: "#5f6b7a", meta: "#dbe7f6", metaStroke: "#44698f",
  cluster: "rgba(120,150,190,0.08)", clusterStroke: "#8aa2c0", edge: "#8a9099",
  control: "#b0b6bd", selected: "#f28e2b", text: "#1f2933", muted: "#6b7785",
};
const TEXT_ZOOM = 0.35; // below this zoom, the overview

// scene = {vis, lay, paths} (layoutScene), rect = the visible world rectangle (worldRect),
// selected = item index or -1.
export function paintGraph(ctx, h, scene, view, rect, selected) {
  if (view.k > TEXT_ZOOM) paintDetail(ctx, h, scene, view, rect, selected);
  else paintOverview(ctx, h, scene, view, rect, selected);
}

function paintDetail(ctx, h, { vis, lay, paths }, view, rect, selected) {
  // clusters, outermost first (items are parents-first)
  for (const i of vis.items) {
    const p = lay.pos.get(i);
    if (!p.cluster || !boxInRect(p, rect)) continue;
    ctx.fillStyle = COLORS.cluster;
    ctx.strokeStyle = i === selected ? COLORS.selected : COLORS.clusterStroke;
    ctx.lineWidth = 1 / view.k;
    roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, 6);
    ctx.fill(); ctx.stroke();
    ctx.fillStyle = COLORS.muted;
    ctx.font = "bold 11px sans-serif";
    ctx.textBaseline = "top";
    ctx.fillText(`− ${h.labels[i]}`, p.x - p.w / 2 + 6, p.y - p.h / 2 + 3, p.w - 12);
  }
  // edges
  for (let e = 0; e < vis.edges.length; e++) {
    const pts = paths[e];
    if (!pts || pts.length < 2 || !pathInRect(pts, rect)) continue;
    const ed = vis.edges[e];
    const hot = selected >= 0 && (ed.src === selected || ed.dst === selected);
    ctx.strokeStyle = hot ? COLORS.selected : ed.control ? COLORS.control : COLORS.edge;
    ctx.lineWidth = edgeWidth(ed) / Math.max(view.k, 0.5);
    ctx.setLineDash(ed.control ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(pts[0].x, pts[0].y);
    for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
    ctx.stroke();
    ctx.setLineDash([]);
    arrow(ctx, pts[pts.length - 2], pts[pts.length - 1]);
    if (ed.count > 1) {
      const mid = pts[Math.floor(pts.length / 2)];
      ctx.fillStyle = COLORS.muted;
      ctx.font = "10px sans-serif";
      ctx.textBaseline = "middle";
      ctx.fillText(`×${ed.count}`, mid.x + 4, mid.y);
    }
  }
  // nodes
  ctx.textBaseline = "middle";
  for (const i of vis.items) {
    const p = lay.pos.get(i);
    if (p.cluster || !boxInRect(p, rect)) continue;
    const isOp = h.model.kind[i] === KIND_OP;
    ctx.fillStyle = isOp ? COLORS.op : COLORS.meta;
    ctx.strokeStyle = i === selected ? COLORS.selected : isOp ? COLORS.opStroke : COLORS.metaStroke;
    ctx.lineWidth = (i === selected ? 2.5 : 1) / Math.max(view.k, 0.5);
    roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, isOp ? p.h / 2 : 5);
    ctx.fill(); ctx.stroke();
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = "center";
    if (isOp) {
      ctx.font = "11px sans-serif";
      ctx.fillText(h.labels[i], p.x, p.y, p.w - 8);
    } else {
      ctx.font = "bold 11px sans-serif";
      ctx.fillText(`+ ${h.labels[i]}`, p.x, p.y - 7, p.w - 8);
      ctx.font = "10px sans-serif";
      ctx.fillStyle = COLORS.muted;
      ctx.fillText(`${h.model.n_ops[i]} ops`, p.x, p.y + 8, p.w - 8);
    }
    ctx.textAlign = "left";
  }
}

function paintOverview(ctx, h, { vis, lay, paths }, view, rect, selected) {
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
  ctx.fillStyle = COLORS.cluster; ctx.fill();
  ctx.strokeStyle = COLORS.clusterStroke; ctx.stroke();
  for (const control of [0, 1]) {
    ctx.beginPath();
    vis.edges.forEach((ed, e) => {
      const pts = paths[e];
      if (ed.control !== control || !pts || pts.length < 2 || !endsInRect(pts, rect)) return;
      ctx.moveTo(pts[0].x, pts[0].y);
      for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
    });
    ctx.strokeStyle = control ? COLORS.control : COLORS.edge;
    ctx.stroke();
  }
  for (const isOp of [true, false]) {
    rects((i, p) => !p.cluster && (h.model.kind[i] === KIND_OP) === isOp);
    ctx.fillStyle = isOp ? COLORS.op : COLORS.meta; ctx.fill();
    ctx.strokeStyle = isOp ? COLORS.opStroke : COLORS.metaStroke; ctx.stroke();
  }
  const p = selected >= 0 && lay.pos.get(selected);
  if (p) {
    ctx.lineWidth = 3 * px;
    ctx.strokeStyle = COLORS.selected;
    ctx.strokeRect(p.x - p.w / 2, p.y - p.h / 2, p.w, p.h);
  }
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
