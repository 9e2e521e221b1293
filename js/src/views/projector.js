// Embedding projector view. Wire protocol in jupyter_tb/widgets/projector.py. Drawing is
// js/src/lib/scatter.js. Everything that can happen in the browser does (colour/label by a
// column, regex search, hover thumbnails, lasso, PCA's 2-D/3-D toggle, nearest neighbours
// when the vectors were sent), so the view stays live while the kernel is busy; t-SNE/UMAP
// and neighbours of very large embeddings ask the kernel.
// Metadata values and labels reach the DOM only through textContent.
import { h, userRegex } from "../lib/dom.js";
import { createScatter } from "../lib/scatter.js";

const METHOD_NAMES = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
const CATEGORICAL_LIMIT = 20;
// 20 distinguishable colours (Tableau 20 order)
const CATEGORY_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
  "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
].map(hexToRgb);
const GRADIENT = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"].map(hexToRgb); // viridis stops
const PLAIN = hexToRgb("#3b73b9");

function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
const rgbCss = ([r, g, b]) => `rgb(${r}, ${g}, ${b})`;
const projectionKey = (key, method, dims) => `${key}\u0000${method}\u0000${method === "pca" ? 3 : dims}`;

function gradientAt(t) {
  const x = Math.min(Math.max(t, 0), 1) * (GRADIENT.length - 1);
  const k = Math.min(Math.floor(x), GRADIENT.length - 2);
  const f = x - k;
  return GRADIENT[k].map((c, j) => Math.round(c + (GRADIENT[k + 1][j] - c) * f));
}

// Per-point RGBA for a metadata column, and legend entries [{text, rgb}].
export function columnColors(column, n) {
  const rgba = new Uint8Array(4 * n);
  const legend = [];
  if (!column) {
    for (let i = 0; i < n; i++) rgba.set(PLAIN, 4 * i);
    return { rgba, legend };
  }
  const { values, codes, numbers } = column;
  if (values.length <= CATEGORICAL_LIMIT) {
    for (let i = 0; i < n; i++) rgba.set(CATEGORY_COLORS[codes[i] % CATEGORY_COLORS.length], 4 * i);
    values.forEach((text, k) => legend.push({ text, rgb: CATEGORY_COLORS[k % CATEGORY_COLORS.length] }));
  } else if (numbers) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) if (Number.isFinite(numbers[i])) { lo = Math.min(lo, numbers[i]); hi = Math.max(hi, numbers[i]); }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) rgba.set(Number.isFinite(numbers[i]) ? gradientAt((numbers[i] - lo) / span) : [200, 200, 200], 4 * i);
    legend.push({ text: String(lo), rgb: GRADIENT[0] }, { text: String(hi), rgb: GRADIENT[GRADIENT.length - 1] });
  } else { // many distinct strings: colour by value so equal labels share a colour
    for (let i = 0; i < n; i++) rgba.set(CATEGORY_COLORS[codes[i] % CATEGORY_COLORS.length], 4 * i);
  }
  return { rgba, legend };
}

// Indices whose value in `column` matches the regex (tested once per distinct value).
export function searchMatches(column, n, text) {
  const regex = userRegex(text);
  if (!regex) return [];
  if (!column) { // no metadata: search point indices
    const out = [];
    for (let i = 0; i < n; i++) if (regex.test(String(i))) out.push(i);
    return out;
  }
  const hit = column.values.map((value) => regex.test(value));
  const out = [];
  for (let i = 0; i < n; i++) if (hit[column.codes[i]]) out.push(i);
  return out;
}

// k nearest rows to row `index` of an (n, d) Float32Array, itself excluded: [{index, distance}].
export function nearestNeighbors(vectors, n, d, index, k, metric, norms = null) {
  const q = index * d;
  let qNorm = 0;
  for (let j = 0; j < d; j++) qNorm += vectors[q + j] * vectors[q + j];
  qNorm = Math.sqrt(qNorm);
  const best = []; // sorted ascending by distance, at most k
  for (let i = 0; i < n; i++) {
    if (i === index) continue;
    const o = i * d;
    let distance;
    if (metric === "cosine") {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += vectors[o + j] * vectors[q + j];
      let norm = norms ? norms[i] : 0;
      if (!norms) { for (let j = 0; j < d; j++) norm += vectors[o + j] * vectors[o + j]; norm = Math.sqrt(norm); }
      distance = norm > 0 && qNorm > 0 ? 1 - dot / (norm * qNorm) : 1;
    } else {
      let sum = 0;
      for (let j = 0; j < d; j++) { const diff = vectors[o + j] - vectors[q + j]; sum += diff * diff; }
      distance = Math.sqrt(sum);
    }
    if (best.length === k && distance >= best[k - 1].distance) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].distance > distance) at--;
    best.splice(at, 0, { index: i, distance });
    if (best.length > k) best.pop();
  }
  return best;
}

function rowNorms(vectors, n, d) {
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += vectors[i * d + j] * vectors[i * d + j];
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

function select(attr, options, value, onchange) {
  const node = h("select", { class: "jtb-input", [attr]: "" });
  fillSelect(node, options, value);
  node.addEventListener("change", () => onchange(node.value));
  return node;
}

function fillSelect(node, options, value) {
  node.replaceChildren(...options.map(([v, text]) => h("option", { value: v, text })));
  node.value = value;
}

function control(label, child) {
  return h("label", { class: "jtb-control" }, [h("span", { text: label }), child]);
}

export default {
  createState() {
    return { embeddings: [], methods: {}, data: new Map(), projections: new Map(), status: new Map(), version: 0 };
  },

  onMessage(state, msg) {
    switch (msg.type) {
      case "reset":
        state.data.clear();
        state.projections.clear();
        state.status.clear();
      // falls through
      case "catalog":
        state.embeddings = msg.embeddings;
        state.methods = msg.methods || {};
        break;
      case "data":
        state.data.set(msg.key, msg);
        for (const k of [...state.projections.keys()]) if (k.startsWith(`${msg.key}\u0000`)) state.projections.delete(k);
        break;
      case "projection":
        state.projections.set(projectionKey(msg.key, msg.method, msg.dims), msg);
        break;
      case "status":
        state.status.set(projectionKey(msg.key, msg.method, msg.dims), msg);
        break;
      default:
        return;
    }
    state.version += 1;
  },

  render(ctx) {
    const { model, state } = ctx;
    const cleanups = [];
    const local = { focused: model.get("focused"), neighbors: [], matches: [], selected: model.get("selected") || [], legend: [] };
    const save = (changes) => {
      for (const [name, value] of Object.entries(changes)) model.set(name, value);
      model.save_changes();
    };

    // ---- controls ----
    const embeddingSelect = select("data-jtb-projector-embedding", [], "", (label) => save({ embedding: label, focused: -1 }));
    const methodSelect = select("data-jtb-projector-method",
      Object.entries(METHOD_NAMES), model.get("method"), (method) => {
        const missing = state.methods[method];
        if (missing) { // say why at once; the kernel need not be asked
          methodSelect.value = model.get("method");
          showNote(missing, true);
          return;
        }
        save({ method });
      });
    const dimsSelect = select("data-jtb-projector-dims", [["2", "2-D"], ["3", "3-D"]], String(model.get("dims")),
      (dims) => save({ dims: Number(dims) }));
    const colorSelect = select("data-jtb-projector-color", [["", "none"]], model.get("color_by"), (column) => save({ color_by: column }));
    const labelSelect = select("data-jtb-projector-label", [["", "index"]], model.get("label_by"), (column) => save({ label_by: column }));
    const searchInput = h("input", { type: "search", class: "jtb-input", placeholder: "search labels (regex)", "data-jtb-projector-search": "", value: model.get("search") });
    searchInput.addEventListener("input", () => save({ search: searchInput.value }));
    const matchCount = h("span", { class: "jtb-value", "data-jtb-projector-matches": "" });
    const metricSelect = select("data-jtb-projector-metric", [["cosine", "cosine"], ["euclidean", "euclidean"]], model.get("metric"),
      (metric) => save({ metric }));
    const lassoButton = h("button", { class: "jtb-button", "data-jtb-projector-lasso": "", text: "Lasso", title: "draw around points to select them (or shift-drag)" });
    lassoButton.addEventListener("click", () => {
      mode = mode === "lasso" ? "pan" : "lasso";
      lassoButton.setAttribute("aria-pressed", String(mode === "lasso"));
      lassoButton.style.fontWeight = mode === "lasso" ? "700" : "";
      plot.update({ mode });
    });
    const clearButton = h("button", { class: "jtb-button", "data-jtb-projector-clear": "", text: "Clear" });
    clearButton.addEventListener("click", () => {
      searchInput.value = "";
      save({ selected: [], focused: -1, search: "" });
    });
    const selectedCount = h("span", { class: "jtb-value", "data-jtb-projector-selected": "" });
    const resetButton = h("button", { class: "jtb-button", "data-jtb-projector-reset": "", text: "Reset view" });
    resetButton.addEventListener("click", () => plot.resetView());
    const status = h("div", { class: "jtb-note", "data-jtb-projector-status": "" });
    const variance = h("div", { class: "jtb-progress", "data-jtb-projector-variance": "" });
    const legend = h("div", { "data-jtb-projector-legend": "", style: { display: "flex", flexWrap: "wrap", gap: "6px", margin: "4px 0" } });
    const toolbar = h("div", { class: "jtb-toolbar" }, [
      control("Embedding", embeddingSelect), control("Projection", methodSelect), control("", dimsSelect),
      control("Colour by", colorSelect), control("Label by", labelSelect),
      control("Search", searchInput), matchCount, lassoButton, clearButton, selectedCount, resetButton,
    ]);

    const plotBox = h("div", { "data-jtb-projector-plot": "", style: { position: "relative", flex: "1 1 auto", minWidth: "0", border: "1px solid var(--jp-border-color2, #e0e0e0)" } });
    const tooltip = h("div", { "data-jtb-projector-tooltip": "", style: {
      position: "absolute", display: "none", pointerEvents: "none", background: "rgba(255,255,255,0.95)",
      border: "1px solid #bbb", borderRadius: "3px", padding: "4px", font: "11px sans-serif", color: "#111", zIndex: "2", maxWidth: "240px",
    } });
    const thumb = h("canvas", { "data-jtb-projector-thumb": "", width: 64, height: 64, style: { display: "none", imageRendering: "pixelated" } });
    const tipText = h("div", { "data-jtb-projector-tooltip-text": "" });
    tooltip.append(thumb, tipText);
    const neighborTitle = h("div", { class: "jtb-label", text: "Nearest neighbours" });
    const neighborList = h("ol", { "data-jtb-projector-neighbors": "", style: { margin: "4px 0", paddingLeft: "22px", fontVariantNumeric: "tabular-nums" } });
    const side = h("div", { style: { flex: "0 0 230px", maxHeight: "520px", overflow: "auto" } }, [
      h("div", { class: "jtb-control" }, [h("span", { text: "Distance" }), metricSelect]),
      neighborTitle, neighborList,
    ]);
    ctx.el.append(toolbar, legend, status, variance, h("div", { style: { display: "flex", gap: "10px", alignItems: "flex-start" } }, [plotBox, side]));
    plotBox.append(tooltip);
    // a fixed widget height (the `height` trait) holds the toolbar too: the plot takes the rest
    const plot = createScatter(plotBox, { height: model.get("height") ? Math.max(240, model.get("height") - 120) : 520 });
    plotBox.jtbScatter = plot; // for browser tests: the element, not a global
    let mode = "pan";
    cleanups.push(() => plot.destroy());

    // ---- derived state ----
    let shown = { key: null, projection: null, dims: 0, colorBy: null };
    const dataset = () => {
      const wanted = model.get("embedding");
      const entry = state.embeddings.find((e) => e.label === wanted) || state.embeddings[0];
      return entry ? state.data.get(entry.key) || null : null;
    };
    const columnNamed = (data, name) => (data && name ? data.columns.find((c) => c.name === name) || null : null);
    const labelColumn = (data) => columnNamed(data, model.get("label_by")) || (data && data.columns[0]) || null;
    const labelOf = (data, i) => {
      const column = labelColumn(data);
      return column ? column.values[column.codes[i]] : `#${i}`;
    };

    function showNote(text, isError = false) {
      status.textContent = text || "";
      status.style.color = isError ? "#b00020" : "";
    }

    function syncControls() {
      fillSelect(embeddingSelect, state.embeddings.map((e) => [e.label, e.n ? `${e.label} (${e.n}×${e.d})` : e.label]),
        model.get("embedding") || (state.embeddings[0] ? state.embeddings[0].label : ""));
      embeddingSelect.disabled = state.embeddings.length < 2;
      methodSelect.value = model.get("method");
      dimsSelect.value = String(model.get("dims"));
      for (const option of methodSelect.options) {
        const missing = state.methods[option.value];
        option.textContent = METHOD_NAMES[option.value] + (missing ? " (not installed)" : "");
        option.title = missing || "";
      }
      const data = dataset();
      const names = data ? data.columns.map((c) => [c.name, c.name]) : [];
      fillSelect(colorSelect, [["", "none"], ...names], model.get("color_by"));
      fillSelect(labelSelect, [["", names.length ? "(first column)" : "index"], ...names], model.get("label_by"));
      metricSelect.value = model.get("metric");
      if (searchInput.value !== model.get("search")) searchInput.value = model.get("search");
    }

    function updateColors(data) {
      const column = columnNamed(data, model.get("color_by"));
      const { rgba, legend: entries } = columnColors(column, data.n);
      legend.replaceChildren(...entries.map((entry) => h("span", { class: "jtb-control", "data-jtb-legend-entry": "" }, [
        h("span", { class: "jtb-swatch", style: { background: rgbCss(entry.rgb) } }),
        h("span", { text: entry.text }),
      ])));
      plot.update({ colors: rgba });
    }

    function updateHighlight() {
      const data = dataset();
      if (!data) return;
      const set = new Set(local.selected);
      for (const i of local.matches) set.add(i);
      const focus = model.get("focused");
      if (focus >= 0 && focus < data.n) set.add(focus);
      for (const { index } of local.neighbors) set.add(index);
      const labels = [];
      if (focus >= 0 && focus < data.n) labels.push({ index: focus, text: labelOf(data, focus), strong: true });
      for (const { index } of local.neighbors) labels.push({ index, text: labelOf(data, index) });
      if (local.matches.length <= 50) for (const i of local.matches) labels.push({ index: i, text: labelOf(data, i) });
      plot.update({ highlight: [...set], labels });
      selectedCount.textContent = local.selected.length ? `${local.selected.length} selected` : "";
    }

    function updateSearch() {
      const data = dataset();
      if (!data) return;
      local.matches = searchMatches(labelColumn(data), data.n, model.get("search"));
      matchCount.textContent = model.get("search") ? `${local.matches.length} match${local.matches.length === 1 ? "" : "es"}` : "";
      updateHighlight();
    }

    let neighborRequest = 0;
    async function updateNeighbors() {
      const data = dataset();
      const focus = model.get("focused");
      const ticket = ++neighborRequest;
      local.neighbors = [];
      neighborList.replaceChildren();
      if (!data || focus < 0 || focus >= data.n) {
        neighborTitle.textContent = "Nearest neighbours (click a point)";
        updateHighlight();
        return;
      }
      neighborTitle.textContent = `Nearest neighbours of ${labelOf(data, focus)}`;
      const k = model.get("neighbors"), metric = model.get("metric");
      let found;
      if (data.vectors) {
        if (metric === "cosine" && !data.norms) data.norms = rowNorms(data.vectors, data.n, data.d);
        found = nearestNeighbors(data.vectors, data.n, data.d, focus, k, metric, metric === "cosine" ? data.norms : null);
      } else {
        neighborTitle.textContent += " (asking the kernel…)";
        try {
          const reply = await ctx.request("neighbors", { index: focus, k, metric, key: data.key });
          found = Array.from(reply.indices, (index, j) => ({ index, distance: reply.distances[j] }));
        } catch (error) {
          found = [];
          showNote(`neighbours: ${error.message}`, true);
        }
        if (ticket !== neighborRequest) return;
        neighborTitle.textContent = `Nearest neighbours of ${labelOf(data, focus)}`;
      }
      local.neighbors = found;
      neighborList.replaceChildren(...found.map(({ index, distance }) => {
        const row = h("li", { "data-jtb-neighbor": String(index), style: { cursor: "pointer" } }, [
          h("span", { text: labelOf(data, index) }),
          h("span", { class: "jtb-count", text: distance.toFixed(4) }),
        ]);
        row.addEventListener("click", () => save({ focused: index }));
        return row;
      }));
      updateHighlight();
    }

    function wantedProjection(data) {
      const method = model.get("method"), dims = model.get("dims");
      return { method, dims, entry: state.projections.get(projectionKey(data.key, method, dims)) || null,
        status: state.status.get(projectionKey(data.key, method, dims)) || null };
    }

    function showVariance(projection, dims) {
      if (!projection || projection.method !== "pca" || !projection.variance.length) { variance.textContent = ""; return; }
      const parts = projection.variance.slice(0, dims).map((v) => `${(100 * v).toFixed(1)}%`);
      const total = projection.variance.slice(0, dims).reduce((a, b) => a + b, 0);
      variance.textContent = `variance explained: ${parts.join(" + ")} = ${(100 * total).toFixed(1)}%`;
    }

    // Bring the plot in line with the model and the state; cheap when nothing changed.
    function refresh() {
      syncControls();
      const data = dataset();
      if (!data) {
        showNote(state.embeddings.length ? "loading embedding…" : "no embeddings yet (add_embedding writes them)");
        return;
      }
      const { dims, entry, status: job } = wantedProjection(data);
      if (entry && (shown.projection !== entry || shown.dims !== dims)) {
        plot.update({ positions: entry.positions, dims });
        shown = { ...shown, key: data.key, projection: entry, dims };
        plotBox.setAttribute("data-jtb-projection", `${entry.method}:${dims}`);
        showVariance(entry, dims);
        shown.colorBy = null;
      }
      if (shown.key === data.key && shown.colorBy !== model.get("color_by")) {
        updateColors(data);
        shown.colorBy = model.get("color_by");
      }
      const notes = [];
      if (data.note) notes.push(data.note);
      if (!entry) notes.push(job && job.busy ? job.text : `waiting for ${METHOD_NAMES[model.get("method")]}…`);
      else if (entry.note) notes.push(entry.note);
      if (!data.vectors) notes.push("neighbours are computed by the kernel (embedding too large to send)");
      showNote(notes.join(" · "));
    }

    // ---- sprite thumbnails ----
    let sprite = null; // {bitmap, width, height, perRow, key}
    async function loadSprite(data) {
      if (!data || !data.sprite || (sprite && sprite.key === data.key)) return;
      const blob = new Blob([data.sprite.png], { type: "image/png" });
      const bitmap = await createImageBitmap(blob);
      const width = data.sprite.width || bitmap.width, height = data.sprite.height || bitmap.height;
      sprite = { bitmap, width, height, perRow: Math.max(1, Math.floor(bitmap.width / width)), key: data.key };
    }
    function drawThumb(i) {
      if (!sprite || sprite.key !== (dataset() || {}).key) { thumb.style.display = "none"; return; }
      const sx = (i % sprite.perRow) * sprite.width, sy = Math.floor(i / sprite.perRow) * sprite.height;
      const scale = 64 / Math.max(sprite.width, sprite.height);
      thumb.width = Math.round(sprite.width * scale); thumb.height = Math.round(sprite.height * scale);
      const g = thumb.getContext("2d");
      g.imageSmoothingEnabled = false;
      g.clearRect(0, 0, thumb.width, thumb.height);
      g.drawImage(sprite.bitmap, sx, sy, sprite.width, sprite.height, 0, 0, thumb.width, thumb.height);
      thumb.style.display = "block";
    }

    // ---- plot events ----
    cleanups.push(plot.on("hover", (i, clientX, clientY) => {
      const data = dataset();
      if (i < 0 || !data) { tooltip.style.display = "none"; return; }
      tipText.replaceChildren(h("div", { text: labelOf(data, i), style: { fontWeight: "600" } }),
        ...data.columns.slice(0, 6).map((c) => h("div", { text: `${c.name}: ${c.values[c.codes[i]]}` })),
        h("div", { class: "jtb-count", text: `#${i}` }));
      tooltip.setAttribute("data-jtb-index", String(i));
      drawThumb(i);
      const box = plotBox.getBoundingClientRect();
      tooltip.style.display = "block";
      const x = clientX - box.left, y = clientY - box.top;
      tooltip.style.left = `${Math.max(0, Math.min(x + 14, box.width - tooltip.offsetWidth - 4))}px`;
      // below the cursor, or above it near the bottom edge: always fully inside the plot
      const below = y + 14 + tooltip.offsetHeight < box.height;
      tooltip.style.top = `${below ? y + 14 : Math.max(0, y - 14 - tooltip.offsetHeight)}px`;
    }));
    cleanups.push(plot.on("click", (i) => save({ focused: i })));
    cleanups.push(plot.on("select", (indices) => {
      local.selected = indices;
      save({ selected: indices });
      updateHighlight();
    }));

    // ---- model and kernel events ----
    const onModel = (names, fn) => {
      for (const name of names) {
        model.on(`change:${name}`, fn);
        cleanups.push(() => model.off(`change:${name}`, fn));
      }
    };
    onModel(["method", "dims", "embedding", "color_by"], refresh);
    onModel(["label_by", "search"], () => { syncControls(); updateSearch(); updateNeighbors(); });
    onModel(["focused", "metric", "neighbors"], () => { syncControls(); updateNeighbors(); });
    onModel(["selected"], () => { local.selected = model.get("selected") || []; updateHighlight(); });
    let dataKey = null;
    const onState = () => {
      refresh();
      const data = dataset();
      if (data && data.key !== dataKey) {
        dataKey = data.key;
        loadSprite(data).catch((error) => showNote(`sprite: ${error.message}`, true));
        updateSearch();
        updateNeighbors();
      }
    };
    cleanups.push(ctx.onMessage(onState));
    onState();
    return () => { for (const fn of cleanups.splice(0)) fn(); };
  },
};
