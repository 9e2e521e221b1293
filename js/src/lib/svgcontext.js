// A recording 2-D context: the subset of CanvasRenderingContext2D our charts draw with, writing
// SVG elements instead of pixels. A chart that draws through a context it is given (see
// registerPainter in ./canvas.js) re-draws itself into one of these and the result is real
// vector output: one <path> per fill or stroke, <text> for labels, <clipPath> for clips.
//
//   const svg = createSvgContext(width, height, { background, title });
//   chart.paint(svg, width, height);            // any canvas drawing code
//   svg.toSVG() -> "<?xml ...?><svg ...>...</svg>" (a standalone file)
//
// Supported: fillStyle / strokeStyle (colour strings; rgba() and #rrggbbaa become an opacity),
// lineWidth, lineCap, lineJoin, miterLimit, globalAlpha, font, textAlign, textBaseline,
// setLineDash / getLineDash, save / restore, translate / rotate / scale / transform /
// setTransform / resetTransform, beginPath / moveTo / lineTo / closePath / rect / arc /
// quadraticCurveTo / bezierCurveTo, fill / stroke / clip, fillRect / strokeRect, fillText (its
// maxWidth as textLength), measureText (a real canvas's metrics where there is a document),
// drawImage(image, x, y[, w, h]) (embedded as a data: URL; `filter`, a CSS filter, and
// imageSmoothingEnabled = false apply to images only, as their style). clearRect draws nothing: an SVG has no pixels to clear (pass a
// `background` for an opaque picture). Gradients and patterns are not supported (drawn black).
// Coordinates are written in output units (the transform is applied to path points), so the
// file has no nested transforms except on rotated text and images.

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";
let contexts = 0; // clip ids are unique across the SVGs one page may hold inline

// Text safe inside an XML element or attribute: markup escaped, characters XML 1.0 forbids
// (control characters, unpaired surrogates) dropped or replaced.
export function escapeXml(value) {
  return String(value)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const num = (v) => {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
};

// A CSS colour as {color, alpha}: rgba()/hsla()/#rrggbbaa/#rgba split into an opaque colour and
// its alpha (SVG 1.1 renderers take no alpha inside a colour).
export function splitColor(value) {
  const text = String(value ?? "").trim();
  if (!text || text === "transparent") return { color: "none", alpha: 0 };
  let m = /^#([0-9a-f]{8}|[0-9a-f]{4})$/i.exec(text);
  if (m) {
    const hex = m[1].length === 4 ? [...m[1]].map((c) => c + c).join("") : m[1];
    return { color: `#${hex.slice(0, 6)}`, alpha: parseInt(hex.slice(6), 16) / 255 };
  }
  m = /^(rgb|hsl)a?\((.*)\)$/i.exec(text);
  if (m) {
    const parts = m[2].split(/\s*[,/]\s*|\s+/).filter(Boolean);
    if (parts.length === 4) {
      const a = parts[3].endsWith("%") ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
      return { color: `${m[1].toLowerCase()}(${parts.slice(0, 3).join(",")})`, alpha: Number.isFinite(a) ? Math.min(Math.max(a, 0), 1) : 1 };
    }
    return { color: `${m[1].toLowerCase()}(${parts.join(",")})`, alpha: 1 };
  }
  return { color: text, alpha: 1 };
}

// "bold 12px sans-serif" -> {style, weight, size, family}
export function parseFont(font) {
  const m = /^\s*((?:(?:normal|italic|oblique|small-caps|bold|bolder|lighter|\d{3})\s+)*)(\d*\.?\d+)px(?:\s*\/\s*\S+)?\s+(.+?)\s*$/i.exec(String(font || ""));
  if (!m) return { style: "normal", weight: "normal", size: 10, family: "sans-serif" };
  const words = m[1].trim().split(/\s+/).filter(Boolean);
  return {
    style: words.find((w) => w === "italic" || w === "oblique") || "normal",
    weight: words.find((w) => /^(bold|bolder|lighter|\d{3})$/.test(w)) || "normal",
    size: parseFloat(m[2]),
    family: m[3],
  };
}

const ANCHOR = { left: "start", start: "start", center: "middle", right: "end", end: "end" };
const BASELINE = { top: "hanging", hanging: "hanging", middle: "central", bottom: "text-after-edge", ideographic: "ideographic" };

let measurer = null; // a real canvas context for text metrics, where there is a document
function measure(font, text) {
  if (measurer === null) {
    measurer = false;
    try { measurer = (typeof document !== "undefined" && document.createElement("canvas").getContext("2d")) || false; } catch { measurer = false; }
  }
  if (measurer) { measurer.font = font; return measurer.measureText(text).width; }
  return parseFont(font).size * 0.55 * String(text).length;
}

const attrs = (pairs) => Object.entries(pairs)
  .filter(([, v]) => v !== undefined && v !== null)
  .map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join("");

const DEFAULTS = {
  fillStyle: "#000", strokeStyle: "#000", lineWidth: 1, lineCap: "butt", lineJoin: "miter", miterLimit: 10,
  globalAlpha: 1, filter: "none", smoothing: true, font: "10px sans-serif", textAlign: "start", textBaseline: "alphabetic", dash: [], clip: null,
  matrix: [1, 0, 0, 1, 0, 0],
};

export function createSvgContext(width, height, { background = null, title = null } = {}) {
  const prefix = `jtb${++contexts}c`;
  const defs = [];
  const body = [];
  const stack = [];
  let state = { ...DEFAULTS, dash: [], matrix: [...DEFAULTS.matrix] };
  let path = []; // the current path's SVG commands, in output coordinates
  let drawing = false; // the path has a segment (not only moves)
  let start = null, pen = null; // the subpath's first point and the current point (user units)

  const apply = (x, y) => {
    const [a, b, c, d, e, f] = state.matrix;
    return [a * x + c * y + e, b * x + d * y + f];
  };
  const scale = () => { const [a, b, c, d] = state.matrix; return Math.sqrt(Math.abs(a * d - b * c)); };
  const point = (x, y) => apply(x, y).map(num).join(" ");
  const multiply = (m) => {
    const [a, b, c, d, e, f] = state.matrix;
    state.matrix = [a * m[0] + c * m[1], b * m[0] + d * m[1], a * m[2] + c * m[3], b * m[2] + d * m[3], a * m[4] + c * m[5] + e, b * m[4] + d * m[5] + f];
  };
  const paint = (kind, style) => {
    const { color, alpha } = splitColor(style);
    const opacity = alpha * state.globalAlpha;
    return { [kind]: color, [`${kind}-opacity`]: opacity < 1 ? String(Math.round(opacity * 1000) / 1000) : undefined };
  };
  const clipAttr = () => (state.clip ? `url(#${state.clip})` : undefined);
  // one element, clipped by the current clip: on a transformed element (rotated text, images)
  // the clip goes on a group around it, since clip-path is read in the element's own space
  const emit = (tag, fields, text) => {
    const { "clip-path": clip, ...rest } = fields;
    const inner = fields.transform && clip ? rest : fields;
    const element = text === undefined ? `<${tag}${attrs(inner)}/>` : `<${tag}${attrs(inner)}>${escapeXml(text)}</${tag}>`;
    body.push(inner === fields ? element : `<g clip-path="${clip}">${element}</g>`);
  };
  const strokeFields = () => {
    const s = scale();
    return {
      fill: "none", ...paint("stroke", state.strokeStyle),
      "stroke-width": num(state.lineWidth * s),
      "stroke-linecap": state.lineCap !== "butt" ? state.lineCap : undefined,
      "stroke-linejoin": state.lineJoin !== "miter" ? state.lineJoin : undefined,
      "stroke-miterlimit": state.lineJoin === "miter" ? num(state.miterLimit) : undefined,
      "stroke-dasharray": state.dash.length ? state.dash.map((v) => num(v * s)).join(" ") : undefined,
    };
  };
  const rectPath = (x, y, w, h) => `M${point(x, y)}L${point(x + w, y)}L${point(x + w, y + h)}L${point(x, y + h)}Z`;

  // arc sweep as the canvas defines it, cut into pieces of at most a quarter turn
  function arc(cx, cy, r, a0, a1, ccw = false) {
    let sweep = ccw ? a0 - a1 : a1 - a0;
    const full = sweep >= 2 * Math.PI;
    sweep = full ? 2 * Math.PI : ((sweep % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    const at = (a) => [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    const [sx, sy] = at(a0);
    if (pen) { path.push(`L${point(sx, sy)}`); drawing = true; } else { path.push(`M${point(sx, sy)}`); start = [sx, sy]; }
    const pieces = Math.max(1, Math.ceil(sweep / (Math.PI / 2)));
    const [a, b, c, d] = state.matrix;
    const mirrored = a * d - b * c < 0;
    const flag = (ccw ? 0 : 1) ^ (mirrored ? 1 : 0);
    const radius = num(r * scale());
    for (let i = 1; i <= pieces; i++) {
      const angle = a0 + (ccw ? -1 : 1) * (sweep * i) / pieces;
      const [x, y] = at(angle);
      path.push(`A${radius} ${radius} 0 0 ${flag} ${point(x, y)}`);
      pen = [x, y];
    }
    if (sweep > 0) drawing = true;
  }

  const ctx = {
    get fillStyle() { return state.fillStyle; }, set fillStyle(v) { state.fillStyle = v; },
    get strokeStyle() { return state.strokeStyle; }, set strokeStyle(v) { state.strokeStyle = v; },
    get lineWidth() { return state.lineWidth; }, set lineWidth(v) { if (v > 0 && Number.isFinite(v)) state.lineWidth = v; },
    get lineCap() { return state.lineCap; }, set lineCap(v) { state.lineCap = v; },
    get lineJoin() { return state.lineJoin; }, set lineJoin(v) { state.lineJoin = v; },
    get miterLimit() { return state.miterLimit; }, set miterLimit(v) { state.miterLimit = v; },
    get globalAlpha() { return state.globalAlpha; }, set globalAlpha(v) { if (v >= 0 && v <= 1) state.globalAlpha = v; },
    get font() { return state.font; }, set font(v) { state.font = v; },
    get textAlign() { return state.textAlign; }, set textAlign(v) { state.textAlign = v; },
    get textBaseline() { return state.textBaseline; }, set textBaseline(v) { state.textBaseline = v; },
    get filter() { return state.filter; }, set filter(v) { state.filter = v; },
    get imageSmoothingEnabled() { return state.smoothing; }, set imageSmoothingEnabled(v) { state.smoothing = Boolean(v); },
    lineDashOffset: 0,
    setLineDash(segments) { state.dash = segments.length % 2 ? [...segments, ...segments] : [...segments]; },
    getLineDash() { return [...state.dash]; },

    save() { stack.push({ ...state, dash: [...state.dash], matrix: [...state.matrix] }); },
    restore() { if (stack.length) state = stack.pop(); },
    translate(x, y) { multiply([1, 0, 0, 1, x, y]); },
    scale(x, y) { multiply([x, 0, 0, y, 0, 0]); },
    rotate(angle) { const c = Math.cos(angle), s = Math.sin(angle); multiply([c, s, -s, c, 0, 0]); },
    transform(a, b, c, d, e, f) { multiply([a, b, c, d, e, f]); },
    setTransform(a = 1, b = 0, c = 0, d = 1, e = 0, f = 0) {
      state.matrix = typeof a === "object" ? [a.a, a.b, a.c, a.d, a.e, a.f] : [a, b, c, d, e, f];
    },
    resetTransform() { state.matrix = [1, 0, 0, 1, 0, 0]; },

    beginPath() { path = []; drawing = false; start = pen = null; },
    moveTo(x, y) { path.push(`M${point(x, y)}`); start = pen = [x, y]; },
    lineTo(x, y) {
      if (!pen) { ctx.moveTo(x, y); return; }
      path.push(`L${point(x, y)}`); pen = [x, y]; drawing = true;
    },
    closePath() { if (pen) { path.push("Z"); pen = start; } },
    rect(x, y, w, h) { path.push(rectPath(x, y, w, h)); start = pen = [x, y]; drawing = true; },
    arc,
    quadraticCurveTo(cpx, cpy, x, y) {
      if (!pen) ctx.moveTo(cpx, cpy);
      path.push(`Q${point(cpx, cpy)} ${point(x, y)}`); pen = [x, y]; drawing = true;
    },
    bezierCurveTo(c1x, c1y, c2x, c2y, x, y) {
      if (!pen) ctx.moveTo(c1x, c1y);
      path.push(`C${point(c1x, c1y)} ${point(c2x, c2y)} ${point(x, y)}`); pen = [x, y]; drawing = true;
    },

    fill(rule) {
      if (!drawing) return;
      emit("path", { d: path.join(""), ...paint("fill", state.fillStyle), "fill-rule": rule === "evenodd" ? "evenodd" : undefined, "clip-path": clipAttr() });
    },
    stroke() {
      if (!drawing) return;
      emit("path", { d: path.join(""), ...strokeFields(), "clip-path": clipAttr() });
    },
    clip(rule) {
      const id = `${prefix}${defs.length + 1}`;
      const parent = state.clip ? ` clip-path="url(#${state.clip})"` : "";
      defs.push(`<clipPath id="${id}"${parent}><path d="${escapeXml(path.join("") || "M0 0")}"${rule === "evenodd" ? ' clip-rule="evenodd"' : ""}/></clipPath>`);
      state.clip = id;
    },
    fillRect(x, y, w, h) {
      if (!(w && h)) return;
      emit("path", { d: rectPath(x, y, w, h), ...paint("fill", state.fillStyle), "clip-path": clipAttr() });
    },
    strokeRect(x, y, w, h) {
      emit("path", { d: rectPath(x, y, w, h), ...strokeFields(), "clip-path": clipAttr() });
    },
    clearRect() {},

    fillText(text, x, y, maxWidth) {
      const font = parseFont(state.font);
      // the canvas squeezes text wider than maxWidth: so does textLength
      const squeeze = Number.isFinite(maxWidth) && measure(state.font, String(text)) > maxWidth;
      const [a, b, c, d] = state.matrix;
      const plain = b === 0 && c === 0 && a === d && a > 0; // translate + uniform scale
      const [px, py] = plain ? apply(x, y) : [x, y];
      emit("text", {
        x: num(px), y: num(py),
        transform: plain ? undefined : `matrix(${state.matrix.map(num).join(" ")})`,
        "font-family": font.family, "font-size": num(font.size * (plain ? a : 1)),
        "font-weight": font.weight !== "normal" ? font.weight : undefined,
        "font-style": font.style !== "normal" ? font.style : undefined,
        "text-anchor": ANCHOR[state.textAlign] !== "start" ? ANCHOR[state.textAlign] : undefined,
        "dominant-baseline": BASELINE[state.textBaseline],
        "xml:space": "preserve",
        textLength: squeeze ? num(Math.max(maxWidth, 0) * (plain ? a : 1)) : undefined,
        lengthAdjust: squeeze ? "spacingAndGlyphs" : undefined,
        ...paint("fill", state.fillStyle), "clip-path": clipAttr(),
      }, String(text));
    },
    measureText(text) { return { width: measure(state.font, text) }; },

    drawImage(image, x, y, w, h) {
      let href = null;
      try {
        if (typeof image.toDataURL === "function") href = image.toDataURL("image/png");
        else if (typeof document !== "undefined") {
          const copy = document.createElement("canvas");
          copy.width = image.naturalWidth || image.width;
          copy.height = image.naturalHeight || image.height;
          copy.getContext("2d").drawImage(image, 0, 0);
          href = copy.toDataURL("image/png");
        }
      } catch { href = null; } // a cross-origin image: left out rather than failing the export
      if (!href) return;
      const [a, b, c, d, e, f] = state.matrix;
      emit("image", {
        x: num(x), y: num(y), width: num(w ?? image.naturalWidth ?? image.width), height: num(h ?? image.naturalHeight ?? image.height),
        "xlink:href": href, preserveAspectRatio: "none", transform: `matrix(${[a, b, c, d, e, f].map(num).join(" ")})`,
        opacity: state.globalAlpha < 1 ? num(state.globalAlpha) : undefined, "clip-path": clipAttr(),
        style: [
          state.filter && state.filter !== "none" ? `filter:${state.filter}` : "",
          state.smoothing ? "" : "image-rendering:pixelated",
        ].filter(Boolean).join(";") || undefined,
      });
    },

    // the drawing as a standalone SVG file
    toSVG() {
      const head = `<svg${attrs({ xmlns: SVG_NS, "xmlns:xlink": XLINK_NS, version: "1.1", width: num(width), height: num(height), viewBox: `0 0 ${num(width)} ${num(height)}` })}>`;
      const parts = [head];
      if (title !== null && title !== undefined) parts.push(`<title>${escapeXml(title)}</title>`);
      if (defs.length) parts.push(`<defs>${defs.join("")}</defs>`);
      if (background) {
        const { color, alpha } = splitColor(background);
        parts.push(`<rect${attrs({ width: "100%", height: "100%", fill: color, "fill-opacity": alpha < 1 ? num(alpha) : undefined })}/>`);
      }
      parts.push(...body, "</svg>");
      return `<?xml version="1.0" encoding="UTF-8"?>\n${parts.join("\n")}\n`;
    },
  };
  return ctx;
}
