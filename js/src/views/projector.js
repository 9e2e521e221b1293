// Embedding projector view. Wire protocol in jupyter_tb/widgets/views/projector.py. Drawing
// is js/src/lib/scatter.js, the data work (colours, search, neighbours, highlights) is
// js/src/lib/embedding.js. Everything that can happen in the browser does (colour/label by a
// column, regex search, hover thumbnails, lasso, PCA's 2-D/3-D toggle, nearest neighbours
// when the vectors were sent), so the view stays live while the kernel is busy; t-SNE/UMAP
// and neighbours of very large embeddings ask the kernel.
// Metadata values and labels reach the DOM only through textContent.
//
// DOM contract (tests), besides the [data-jtb-projector-*] controls of the toolbar:
// [data-jtb-projector-progress] (<progress>, shown while t-SNE/UMAP run) with
// [data-jtb-projector-cancel], [data-jtb-projector-spherize] and [data-jtb-projector-sprites]
// (checkboxes), [data-jtb-projector-bookmarks] listing [data-jtb-bookmark="<label>"] buttons;
// the plot element carries data-jtb-projection ("<method>:<dims>" or "bookmark:<label>").
import { h } from "../lib/dom.js";
import { createScatter } from "../lib/scatter.js";
import { onThemeChange } from "../lib/theme.js";
import {
  columnColors, highlightFor, nearestNeighbors, rowNorms, searchMatches, spriteCell, varianceText,
} from "../lib/embedding.js";

const METHOD_NAMES = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
const rgbCss = ([r, g, b]) => `rgb(${r}, ${g}, ${b})`;
const projectionKey = (key, method, dims, spherize) =>
  `${key}\u0000${method}\u0000${method === "pca" ? 3 : dims}\u0000${spherize ? 1 : 0}`;
const wantedKey = (model, key) => projectionKey(key, model.get("method"), model.get("dims"), model.get("spherize"));

// The theme's background for the WebGL clear colour (canvas pixels do not follow CSS).
function themeBackground(el) {
  const value = getComputedStyle(el).getPropertyValue("--jp-layout-color0").trim();
  return /^#[0-9a-f]{3,8}$|^rgb/i.test(value) ? value : "#ffffff";
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

// The hover tooltip: a sprite thumbnail and the point's label and first metadata columns.
function createTooltip() {
  const el = h("div", { "data-jtb-projector-tooltip": "", style: {
    position: "absolute", display: "none", pointerEvents: "none", background: "rgba(255,255,255,0.95)",
    border: "1px solid #bbb", borderRadius: "3px", padding: "4px", font: "11px sans-serif", color: "#111", zIndex: "2", maxWidth: "240px",
  } });
  const thumb = h("canvas", { "data-jtb-projector-thumb": "", width: 64, height: 64, style: { display: "none", imageRendering: "pixelated" } });
  const text = h("div", { "data-jtb-projector-tooltip-text": "" });
  el.append(thumb, text);
  return {
    el,
    hide() { el.style.display = "none"; },
    // show point i's rows next to client point (x, y), kept inside `box` (the plot)
    show(i, rows, sprite, x, y, box) {
      text.replaceChildren(...rows);
      el.setAttribute("data-jtb-index", String(i));
      if (sprite) {
        const cell = spriteCell(i, sprite);
        thumb.width = cell.w; thumb.height = cell.h;
        const g = thumb.getContext("2d");
        g.imageSmoothingEnabled = false;
        g.clearRect(0, 0, thumb.width, thumb.height);
        g.drawImage(sprite.bitmap, cell.sx, cell.sy, sprite.width, sprite.height, 0, 0, thumb.width, thumb.height);
        thumb.style.display = "block";
      } else {
        thumb.style.display = "none";
      }
      el.style.display = "block";
      el.style.left = `${Math.max(0, Math.min(x + 14, box.width - el.offsetWidth - 4))}px`;
      // below the cursor, or above it near the bottom edge: always fully inside the plot
      const below = y + 14 + el.offsetHeight < box.height;
      el.style.top = `${below ? y + 14 : Math.max(0, y - 14 - el.offsetHeight)}px`;
    },
  };
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
        state.projections.set(projectionKey(msg.key, msg.method, msg.dims, msg.spherize), msg);
        break;
      case "status":
        state.status.set(projectionKey(msg.key, msg.method, msg.dims, msg.spherize), msg);
        break;
      default:
        return;
    }
    state.version += 1;
  },

  render(ctx) {
    const { model, state } = ctx;
    const cleanups = [];
    const local = { neighbors: [], matches: [], selected: model.get("selected") || [] };
    const save = (changes) => {
      for (const [name, value] of Object.entries(changes)) model.set(name, value);
      model.save_changes();
    };
    let mode = "pan";

    const ui = createControls(model, state, save, {
      note: (text, isError) => showNote(text, isError),
      toggleLasso() {
        mode = mode === "lasso" ? "pan" : "lasso";
        ui.lassoButton.setAttribute("aria-pressed", String(mode === "lasso"));
        ui.lassoButton.style.fontWeight = mode === "lasso" ? "700" : "";
        plot.update({ mode });
      },
      resetView: () => plot.resetView(),
      cancel: () => ctx.request("cancel", {}).catch((error) => showNote(`cancel: ${error.message}`, true)),
      showSprites: () => applySprite(),
    });
    const status = h("div", { class: "jtb-note", "data-jtb-projector-status": "" });
    const variance = h("div", { class: "jtb-progress", "data-jtb-projector-variance": "" });
    const legend = h("div", { "data-jtb-projector-legend": "", style: { display: "flex", flexWrap: "wrap", gap: "6px", margin: "4px 0" } });
    const plotBox = h("div", { class: "jtb-projector-plot", "data-jtb-projector-plot": "" });
    const tooltip = createTooltip();
    const neighborTitle = h("div", { class: "jtb-label", text: "Nearest neighbours" });
    const neighborList = h("ol", { "data-jtb-projector-neighbors": "", style: { margin: "4px 0", paddingLeft: "22px", fontVariantNumeric: "tabular-nums" } });
    const side = h("div", { class: "jtb-projector-side" }, [
      h("div", { class: "jtb-control" }, [h("span", { text: "Distance" }), ui.metricSelect]),
      neighborTitle, neighborList,
    ]);
    const bookmarkList = h("div", { "data-jtb-projector-bookmarks": "", style: { display: "none" } });
    side.prepend(bookmarkList);
    ctx.el.append(ui.toolbar, legend, h("div", { class: "jtb-toolbar" }, [status, ui.progress, ui.cancelButton]), variance,
      // the side panel goes below the plot when the board is narrow (views.css)
      h("div", { class: "jtb-projector-body" }, [h("div", { class: "jtb-projector-row" }, [plotBox, side])]));
    plotBox.append(tooltip.el);
    // a fixed widget height (the `height` trait) holds the toolbar too: the plot takes the rest
    const plot = createScatter(plotBox, {
      height: model.get("height") ? Math.max(240, model.get("height") - 120) : 520, background: themeBackground(plotBox),
    });
    plotBox.jtbScatter = plot; // for browser tests: the element, not a global
    cleanups.push(() => plot.destroy());
    cleanups.push(onThemeChange(() => plot.update({ background: themeBackground(plotBox) })));

    // ---- derived state ----
    let shown = { key: null, projection: null, dims: 0, colorBy: null };
    let bookmarkShown = null; // a bookmark's saved positions stay until the projection changes
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

    function updateColors(data) {
      const { rgba, legend: entries } = columnColors(columnNamed(data, model.get("color_by")), data.n);
      legend.replaceChildren(...entries.map((entry) => h("span", { class: "jtb-control", "data-jtb-legend-entry": "" }, [
        h("span", { class: "jtb-swatch", style: { background: rgbCss(entry.rgb) } }),
        h("span", { text: entry.text }),
      ])));
      plot.update({ colors: rgba });
    }

    function updateHighlight() {
      const data = dataset();
      if (!data) return;
      plot.update(highlightFor({
        n: data.n, selected: local.selected, matches: local.matches, focused: model.get("focused"),
        neighbors: local.neighbors, labelOf: (i) => labelOf(data, i),
      }));
      ui.selectedCount.textContent = local.selected.length ? `${local.selected.length} selected` : "";
    }

    function updateSearch() {
      const data = dataset();
      if (!data) return;
      local.matches = searchMatches(labelColumn(data), data.n, model.get("search"));
      ui.matchCount.textContent = model.get("search") ? `${local.matches.length} match${local.matches.length === 1 ? "" : "es"}` : "";
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

    // Bring the plot in line with the model and the state; cheap when nothing changed.
    function refresh() {
      ui.sync(dataset());
      const data = dataset();
      if (!data) {
        showNote(state.embeddings.length ? "loading embedding…" : "no embeddings yet (add_embedding writes them)");
        return;
      }
      const method = model.get("method"), dims = model.get("dims");
      const entry = state.projections.get(wantedKey(model, data.key)) || null;
      const job = state.status.get(wantedKey(model, data.key)) || null;
      const running = !!(job && job.busy && !entry);
      ui.progress.style.display = running ? "" : "none";
      ui.cancelButton.style.display = running ? "" : "none";
      if (running && job.fraction != null) ui.progress.value = job.fraction; else ui.progress.removeAttribute("value");
      ui.progress.title = running ? job.text : "";
      if (job && job.cancelled && !entry) { // back to PCA, saying so; picking the method again reruns it
        state.status.delete(wantedKey(model, data.key));
        save({ method: "pca" });
        showNote(`${METHOD_NAMES[method]} cancelled`);
        return;
      }
      if (entry && !bookmarkShown && (shown.projection !== entry || shown.dims !== dims)) {
        plot.update({ positions: entry.positions, dims });
        shown = { ...shown, key: data.key, projection: entry, dims };
        plotBox.setAttribute("data-jtb-projection", `${entry.method}:${dims}`);
        variance.textContent = entry.method === "pca" && entry.variance.length ? varianceText(entry.variance, dims) : "";
        shown.colorBy = null;
      }
      if (shown.key === data.key && shown.colorBy !== model.get("color_by")) {
        updateColors(data);
        shown.colorBy = model.get("color_by");
      }
      const notes = [];
      if (data.note) notes.push(data.note);
      if (!entry) notes.push(job && job.busy ? job.text : `waiting for ${METHOD_NAMES[method]}…`);
      else if (entry.note) notes.push(entry.note);
      if (!data.vectors) notes.push("neighbours are computed by the kernel (embedding too large to send)");
      showNote(notes.join(" · "));
      showBookmarks(data);
      applySprite(); // a no-op unless the sheet, the embedding or the toggle changed
    }

    // ---- bookmarks (bookmarks_path of the embedding's projector config) ----
    function showBookmarks(data) {
      const marks = data.bookmarks || [];
      bookmarkList.style.display = marks.length ? "" : "none";
      if (bookmarkList.jtbFor === data) return;
      bookmarkList.jtbFor = data;
      bookmarkList.replaceChildren(h("div", { class: "jtb-label", text: "Bookmarks" }), ...marks.map((mark) => {
        const button = h("button", { class: "jtb-button", "data-jtb-bookmark": mark.label, text: mark.label,
          title: mark.positions ? `${METHOD_NAMES[mark.method] || mark.method} ${mark.dims}-D positions as saved` : "selection and colours" });
        button.addEventListener("click", () => applyBookmark(data, mark));
        return h("div", {}, [button]);
      }));
    }

    function applyBookmark(data, mark) {
      const names = new Set(data.columns.map((c) => c.name));
      const changes = { selected: mark.selected.filter((i) => i < data.n) };
      if (names.has(mark.color_by)) changes.color_by = mark.color_by;
      if (names.has(mark.label_by)) changes.label_by = mark.label_by;
      if (mark.positions) {
        bookmarkShown = mark;
        plot.update({ positions: mark.positions, dims: mark.dims });
        plotBox.setAttribute("data-jtb-projection", `bookmark:${mark.label}`);
        variance.textContent = "";
        shown.projection = null;
        shown.colorBy = null;
      }
      local.selected = changes.selected;
      save(changes);
      updateHighlight();
      refresh();
    }

    // ---- sprite thumbnails ----
    let sprite = null; // {bitmap, width, height, perRow, key}
    async function loadSprite(data) {
      ui.spriteToggle.parentElement.style.display = data && data.sprite ? "" : "none";
      if (!data || !data.sprite || (sprite && sprite.key === data.key)) return applySprite();
      const blob = new Blob([data.sprite.png], { type: "image/png" });
      const bitmap = await createImageBitmap(blob);
      const width = data.sprite.width || bitmap.width, height = data.sprite.height || bitmap.height;
      sprite = { bitmap, width, height, perRow: Math.max(1, Math.floor(bitmap.width / width)), key: data.key };
      applySprite();
    }

    // thumbnails as the points themselves (TensorBoard's textured points) when the sheet exists
    let spriteShown = undefined; // what the plot draws now (a sprite object or null)
    function applySprite() {
      const data = dataset();
      const want = ui.spriteToggle.checked && sprite && data && sprite.key === data.key ? sprite : null;
      if (want === spriteShown) return;
      spriteShown = want;
      plot.update({ sprite: want });
    }

    // ---- plot events ----
    cleanups.push(plot.on("hover", (i, clientX, clientY) => {
      const data = dataset();
      if (i < 0 || !data) { tooltip.hide(); return; }
      const rows = [
        h("div", { text: labelOf(data, i), style: { fontWeight: "600" } }),
        ...data.columns.slice(0, 6).map((c) => h("div", { text: `${c.name}: ${c.values[c.codes[i]]}` })),
        h("div", { class: "jtb-count", text: `#${i}` }),
      ];
      const box = plotBox.getBoundingClientRect();
      tooltip.show(i, rows, sprite && sprite.key === data.key ? sprite : null, clientX - box.left, clientY - box.top, box);
    }));
    cleanups.push(plot.on("move", () => tooltip.hide()));
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
    onModel(["method", "dims", "embedding", "spherize"], () => { bookmarkShown = null; tooltip.hide(); refresh(); });
    onModel(["color_by"], refresh);
    onModel(["label_by", "search"], () => { ui.sync(dataset()); updateSearch(); updateNeighbors(); });
    onModel(["focused", "metric", "neighbors"], () => { ui.sync(dataset()); updateNeighbors(); });
    onModel(["selected"], () => { local.selected = model.get("selected") || []; updateHighlight(); });
    let dataKey = null;
    const onState = () => {
      refresh();
      const data = dataset();
      if (data && data.key !== dataKey) {
        dataKey = data.key;
        loadSprite(data).catch((error) => { console.error("jtb sprite", error); showNote(`sprite: ${error.message}`, true); });
        updateSearch();
        updateNeighbors();
      }
    };
    cleanups.push(ctx.onMessage(onState));
    onState();
    return () => { for (const fn of cleanups.splice(0)) fn(); };
  },
};

// The toolbar: embedding, projection, dimensions, colour and label columns, search, lasso,
// clear, reset; and the distance metric select (shown in the side panel). Each writes its
// trait; sync(data) shows the model's values and the embedding's columns.
function createControls(model, state, save, { note, toggleLasso, resetView, cancel, showSprites }) {
  const embeddingSelect = select("data-jtb-projector-embedding", [], "", (label) => save({ embedding: label, focused: -1 }));
  const methodSelect = select("data-jtb-projector-method", Object.entries(METHOD_NAMES), model.get("method"), (method) => {
    const missing = state.methods[method];
    if (missing) { // say why at once; the kernel need not be asked
      methodSelect.value = model.get("method");
      note(missing, true);
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
  lassoButton.addEventListener("click", toggleLasso);
  const clearButton = h("button", { class: "jtb-button", "data-jtb-projector-clear": "", text: "Clear" });
  clearButton.addEventListener("click", () => {
    searchInput.value = "";
    save({ selected: [], focused: -1, search: "" });
  });
  const selectedCount = h("span", { class: "jtb-value", "data-jtb-projector-selected": "" });
  const resetButton = h("button", { class: "jtb-button", "data-jtb-projector-reset": "", text: "Reset view" });
  resetButton.addEventListener("click", resetView);
  const spherize = h("input", { type: "checkbox", "data-jtb-projector-spherize": "", title: "centre every column and scale every point to unit length before projecting (TensorBoard's Spherize data)" });
  spherize.checked = !!model.get("spherize");
  spherize.addEventListener("change", () => save({ spherize: spherize.checked }));
  const spriteToggle = h("input", { type: "checkbox", "data-jtb-projector-sprites": "", checked: true });
  spriteToggle.addEventListener("change", showSprites);
  const progress = h("progress", { "data-jtb-projector-progress": "", max: 1, style: { display: "none", width: "160px" } });
  const cancelButton = h("button", { class: "jtb-button", "data-jtb-projector-cancel": "", text: "Cancel", style: { display: "none" } });
  cancelButton.addEventListener("click", cancel);
  const toolbar = h("div", { class: "jtb-toolbar" }, [
    control("Embedding", embeddingSelect), control("Projection", methodSelect), control("", dimsSelect),
    control("Spherize", spherize), control("Colour by", colorSelect), control("Label by", labelSelect), control("Thumbnails", spriteToggle),
    control("Search", searchInput), matchCount, lassoButton, clearButton, selectedCount, resetButton,
  ]);

  function sync(data) {
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
    const names = data ? data.columns.map((c) => [c.name, c.name]) : [];
    fillSelect(colorSelect, [["", "none"], ...names], model.get("color_by"));
    fillSelect(labelSelect, [["", names.length ? "(first column)" : "index"], ...names], model.get("label_by"));
    metricSelect.value = model.get("metric");
    if (searchInput.value !== model.get("search")) searchInput.value = model.get("search");
    spherize.checked = !!model.get("spherize");
  }

  return { toolbar, metricSelect, lassoButton, matchCount, selectedCount, sync, progress, cancelButton, spriteToggle };
}
