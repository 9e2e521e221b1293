// A chart card as a picture: what its PNG and SVG downloads hold (the menu is lib/cards.js's).
// The picture is the card's title, a legend of the lines its charts draw, the runs' captions
// (per-run charts: histograms, images) and every chart re-drawn by the chart itself
// (registerPainter in ./canvas.js) at its size and place on screen; images as bitmaps. One
// layout drawn through the 2-D context API goes either to a canvas (PNG, at the device pixel
// ratio) or to ./svgcontext.js (SVG: paths and text), so both files show the same thing.
//
//   cardPicture(cardEl, title) -> {width, height, paint(ctx)} | null (nothing drawable)
//   downloadCardPng(cardEl, title) -> Promise; downloadCardSvg(cardEl, title)
//   hasPicture(cardEl) -> bool; fileStem(text) -> a file name stem from user text
import { painterOf, themeColors } from "./canvas.js";
import { downloadFile } from "./dom.js";
import { createSvgContext, splitColor } from "./svgcontext.js";

const PAD = 12;
const TITLE_FONT = "600 13px sans-serif";
const TEXT_FONT = "11px sans-serif";
const ROW = 16; // legend and caption line height

// A file name stem from user text (a tag): letters, digits, ".", "-", "_" kept, runs of
// anything else (slashes, spaces, quotes, control characters) become one "_".
export function fileStem(text) {
  const stem = String(text ?? "").replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^[_.]+|_+$/g, "").slice(0, 120);
  return stem || "chart";
}

const drawable = (el) => (el.matches("canvas") ? painterOf(el) !== null : el.complete && el.naturalWidth > 0);

// whether the card shows a chart or an image (one still loading counts: it is drawn once loaded)
export function hasPicture(cardEl) {
  return [...cardEl.querySelectorAll("canvas, img")].some((el) => !el.closest(".jtb-card-head") && (el.matches("img") || drawable(el)));
}

// The card's charts, images and run captions with their boxes relative to the card
function cardParts(cardEl) {
  const origin = cardEl.getBoundingClientRect();
  const parts = [];
  for (const el of cardEl.querySelectorAll("canvas, img, .jtb-caption")) {
    if (el.closest(".jtb-card-head")) continue;
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) continue;
    const box = { x: r.left - origin.left, y: r.top - origin.top, width: r.width, height: r.height };
    if (el.matches(".jtb-caption")) {
      const swatch = el.querySelector(".jtb-swatch");
      const text = [...el.childNodes].map((node) => node.textContent.trim()).filter(Boolean).join("  "); // spans sit apart on screen
      parts.push({ kind: "caption", box, text, color: swatch ? getComputedStyle(swatch).backgroundColor : null });
    } else if (drawable(el)) {
      // an image keeps its CSS filter (the brightness / contrast settings) and its pixelation
      const style = getComputedStyle(el);
      parts.push({
        kind: el.matches("canvas") ? "chart" : "image", el, box, painter: painterOf(el),
        filter: style.filter, pixelated: style.imageRendering === "pixelated",
      });
    }
  }
  return parts;
}

// the first opaque background from the card outwards (what the card is seen on)
function backgroundOf(el) {
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const color = getComputedStyle(node).backgroundColor;
    if (splitColor(color).alpha > 0) return color;
  }
  return themeColors(el).bg;
}

// `text` cut with an ellipsis to at most `width` px in the measuring context's font
function fit(measure, text, width) {
  if (measure.measureText(text).width <= width) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid; else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

// legend entries of the charts (one per name), placed in rows within `width`
function legendRows(parts, measure, width) {
  const seen = new Set(), entries = [];
  for (const part of parts) {
    if (!part.painter || !part.painter.legend) continue;
    for (const entry of part.painter.legend()) {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      entries.push(entry);
    }
  }
  measure.font = TEXT_FONT;
  const rows = [];
  let x = width; // start a new row at the first entry
  for (const entry of entries) {
    const name = fit(measure, String(entry.name), width - 22);
    const w = 22 + measure.measureText(name).width;
    if (x > 0 && x + w > width) { rows.push([]); x = 0; }
    rows[rows.length - 1].push({ ...entry, name, x });
    x += w + 14;
  }
  return rows;
}

export function cardPicture(cardEl, title) {
  const parts = cardParts(cardEl);
  if (!parts.some((part) => part.kind !== "caption")) return null;
  const left = Math.min(...parts.map((p) => p.box.x)), top = Math.min(...parts.map((p) => p.box.y));
  const right = Math.max(...parts.map((p) => p.box.x + p.box.width)), bottom = Math.max(...parts.map((p) => p.box.y + p.box.height));
  const width = Math.ceil(right - left + 2 * PAD);
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = TITLE_FONT;
  const titleText = fit(measure, String(title ?? ""), width - 2 * PAD);
  const legend = legendRows(parts, measure, width - 2 * PAD);
  const bodyTop = PAD + 20 + legend.length * ROW + (legend.length ? 6 : 0);
  const height = Math.ceil(bodyTop + bottom - top + PAD);
  const colors = themeColors(cardEl);
  const background = backgroundOf(cardEl);

  function paint(g) {
    g.fillStyle = background;
    g.fillRect(0, 0, width, height);
    g.textAlign = "left";
    g.textBaseline = "top";
    g.font = TITLE_FONT;
    g.fillStyle = colors.text;
    g.fillText(titleText, PAD, PAD);
    g.font = TEXT_FONT;
    g.textBaseline = "middle";
    legend.forEach((row, i) => {
      const y = PAD + 20 + i * ROW + ROW / 2;
      for (const entry of row) {
        g.strokeStyle = entry.color;
        g.lineWidth = 2;
        g.setLineDash(entry.dash || []);
        g.beginPath(); g.moveTo(PAD + entry.x, y); g.lineTo(PAD + entry.x + 16, y); g.stroke();
        g.setLineDash([]);
        g.fillStyle = colors.text;
        g.fillText(entry.name, PAD + entry.x + 22, y);
      }
    });
    for (const part of parts) {
      const x = PAD + part.box.x - left, y = bodyTop + part.box.y - top;
      const { width: w, height: h } = part.box;
      if (part.kind === "caption") {
        g.font = TEXT_FONT;
        g.textBaseline = "middle";
        let textX = x;
        if (part.color) { g.fillStyle = part.color; g.fillRect(x, y + h / 2 - 5, 10, 10); textX += 14; }
        g.fillStyle = colors.text;
        g.fillText(fit(g, part.text, w - (textX - x)), textX, y + h / 2);
      } else if (part.kind === "image") {
        g.save();
        if (part.filter && part.filter !== "none") g.filter = part.filter;
        g.imageSmoothingEnabled = !part.pixelated;
        g.drawImage(part.el, x, y, w, h);
        g.restore();
      } else {
        g.save();
        g.translate(x, y);
        g.beginPath(); g.rect(0, 0, w, h); g.clip();
        part.painter.paint(g, w, h);
        g.restore();
      }
    }
  }
  return { width, height, paint };
}

export function downloadCardPng(cardEl, title) {
  const picture = cardPicture(cardEl, title);
  if (!picture) return Promise.resolve();
  const dpr = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(picture.width * dpr);
  canvas.height = Math.round(picture.height * dpr);
  const g = canvas.getContext("2d");
  g.scale(dpr, dpr);
  picture.paint(g);
  return new Promise((resolve) => canvas.toBlob((blob) => {
    if (blob) downloadFile(blob, `${fileStem(title)}.png`, "image/png");
    resolve();
  }, "image/png"));
}

export function downloadCardSvg(cardEl, title) {
  const picture = cardPicture(cardEl, title);
  if (!picture) return;
  const g = createSvgContext(picture.width, picture.height, { title });
  picture.paint(g);
  downloadFile(g.toSVG(), `${fileStem(title)}.svg`, "image/svg+xml");
}
