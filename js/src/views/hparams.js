// HParams view: sessions table (sort, filter), parallel coordinates (brushing), scatter
// matrix, and the scalars of a picked session. Protocol in jupyter_tb/widgets/views/hparams.py.
// Everything but the session scalars (a request) works in the browser alone. Inside the
// dashboard, unticking a run in the run selector hides its session.
//
// DOM contract (tests): [data-jtb-hparams-filter] run regex input, [data-jtb-status-filter]
// select, [data-jtb-hparams-count], [data-jtb-hparams-table] table whose header cells are
// [data-jtb-sort="<column>"] and rows [data-jtb-session="<run>"] (aria-selected when
// picked), [data-jtb-parcoords] and [data-jtb-scatter-matrix] (each with a card download menu,
// [data-jtb-download]: host.js), [data-jtb-clear-brushes], [data-jtb-session-detail]
// (charts [data-jtb-session-chart="<tag>"], also with one; single-point values in
// [data-jtb-session-values]), [data-jtb-hparams-columns] (the column panel: show/hide
// checkboxes [data-jtb-hparams-column="<name>"], numeric bounds [data-jtb-hparams-min="<name>"]
// and [data-jtb-hparams-max="<name>"]), [data-jtb-hparams-download="csv|json|latex"].
import { downloadFile, h, userRegex } from "../lib/dom.js";
import { addDownloadMenu } from "../lib/cards.js";
import { createLineChart } from "../lib/linechart.js";
import { formatNumber } from "../lib/format.js";
import { createParallelCoordinates, createScatterMatrix } from "../lib/parcoords.js";
import { FORMATS, exportSessions } from "../lib/hparams_export.js";
import { onThemeChange } from "../lib/theme.js";
import { sessionGroupRows } from "../lib/groups.js";

function cellText(col, r) {
  const v = col.values[r];
  if (!Number.isFinite(v)) return "";
  return col.kind === "number" ? formatNumber(v) : String(col.categories[v] ?? "");
}

// A cell's value for export: the number, the category's label, or null when missing.
function cellValue(col, r) {
  const v = col.values[r];
  if (!Number.isFinite(v)) return null;
  return col.kind === "number" ? v : String(col.categories[v] ?? "");
}

function timeText(secs) {
  return Number.isFinite(secs) && secs > 0 ? new Date(secs * 1000).toLocaleString() : "";
}

// A column name as text pieces with a line-break opportunity after each "/" ("hparam/" "loss"),
// so narrow tables wrap long metric names there instead of widening.
function breakAtSlashes(name) {
  return name.split(/(?<=\/)/).flatMap((part, k) => (k ? [h("wbr"), part] : [part]));
}

export default {
  createState() {
    return { table: null, version: 0 };
  },

  onMessage(state, msg) {
    if (msg.type === "reset" || msg.type === "table") {
      state.table = { runs: msg.runs, status: msg.status, start_time: msg.start_time, end_time: msg.end_time, columns: msg.columns, groups: msg.groups || [] };
      state.version += 1;
    }
  },

  render(ctx) {
    const { state, model } = ctx;
    const runColor = (run) => ctx.selection.color(run); // the runs table's colours (recoloured runs too)
    let sortBy = null, descending = false;
    let brushMask = null;
    let picked = new Set(model.get("selected_sessions") || []);
    let sessionCharts = [];
    const hidden = new Set(); // column names the user hid
    const bounds = new Map(); // column name -> [min, max] (NaN = open)
    const colorOf = (run) => (ctx.selection ? ctx.selection.color(run) : runColor(run));

    const filter = h("input", { class: "jtb-input", placeholder: "filter runs (regex)", "data-jtb-hparams-filter": "" });
    const status = h("select", { class: "jtb-input", "data-jtb-status-filter": "" },
      ["all", "success", "failure", "running", "unknown"].map((s) => h("option", { value: s, text: `status: ${s}` })));
    const clear = h("button", { class: "jtb-button", text: "clear brushes", "data-jtb-clear-brushes": "" });
    const count = h("span", { class: "jtb-progress", "data-jtb-hparams-count": "" });
    const downloads = Object.keys(FORMATS).map((format) => {
      const b = h("button", { class: "jtb-button", text: format === "latex" ? "LaTeX" : format.toUpperCase(), title: `download the shown sessions as ${format.toUpperCase()}`, "data-jtb-hparams-download": format });
      b.addEventListener("click", () => download(format));
      return b;
    });
    const columnsBox = h("div", { "data-jtb-hparams-columns": "", class: "jtb-hparams-columns" });
    const tableEl = h("table", { class: "jtb-hparams-table", "data-jtb-hparams-table": "", style: { borderCollapse: "collapse", fontVariantNumeric: "tabular-nums" } });
    // scrolls both ways inside its box; the run column stays pinned at the left (views.css)
    const tableBox = h("div", { class: "jtb-hparams-table-box", style: { maxHeight: "320px", overflow: "auto", border: "1px solid var(--jp-border-color2, #e0e0e0)" } }, [tableEl]);
    const pcBox = h("div", { "data-jtb-parcoords": "", style: { width: "100%" } });
    const smBox = h("div", { "data-jtb-scatter-matrix": "", style: { overflow: "auto" } });
    const detail = h("div", { "data-jtb-session-detail": "" });
    const section = (title, body, open = true) => h("details", { class: "jtb-section", open }, [h("summary", { class: "jtb-section-title", text: title }), body]);
    // each chart's download menu (PNG / SVG, lib/cards.js) on a row above it
    for (const [box, title] of [[pcBox, "Parallel coordinates"], [smBox, "Scatter matrix"]]) {
      box.append(h("div", { class: "jtb-card-head" }));
      addDownloadMenu(box, title);
    }
    const empty = h("div", { class: "jtb-empty", text: "No hparams sessions yet." });
    ctx.el.append(
      h("div", { class: "jtb-toolbar" }, [filter, status, clear, count, h("span", { class: "jtb-label", text: "Download" }), ...downloads]),
      empty,
      section("Columns and filters", columnsBox, false),
      section("Sessions", tableBox),
      section("Parallel coordinates", pcBox),
      section("Scatter matrix", smBox, false),
      section("Session scalars", detail),
    );

    const pc = createParallelCoordinates(pcBox, {
      onBrush: () => refresh(),
      onPick: (r) => pick(r, false),
    });
    const sm = createScatterMatrix(smBox, { onPick: (r) => pick(r, false) });

    // rows passing the run regex and the status filter (the brushes are applied on top)
    function filterMask() {
      const t = state.table;
      const n = t.runs.length;
      const re = userRegex(filter.value);
      const want = status.value;
      const mask = new Uint8Array(n);
      // inside the dashboard, sessions whose run is unticked in the run selector are hidden
      const known = new Set(ctx.selection ? ctx.selection.runs : []);
      const ticked = (run) => !known.has(run) || ctx.selection.isShown(run);
      const limits = t.columns.filter((c) => bounds.has(c.name) && c.kind === "number").map((c) => [c, ...bounds.get(c.name)]);
      const inBounds = (r) => limits.every(([c, lo, hi]) => {
        const v = c.values[r];
        if (!Number.isFinite(v)) return false; // a bound on a column hides sessions without it
        return !(v < lo) && !(v > hi); // NaN bounds are open
      });
      for (let r = 0; r < n; r++) {
        const run = t.runs[r];
        mask[r] = (!re || re.test(run)) && (want === "all" || t.status[r] === want) && ticked(run) && inBounds(r) ? 1 : 0;
      }
      return mask;
    }

    const shownColumns = () => state.table.columns.filter((c) => !hidden.has(c.name));

    // the column panel: one row per column (show/hide; min and max for numbers)
    let panelFor = null;
    function renderColumnsPanel() {
      const t = state.table;
      const key = t.columns.map((c) => `${c.group}:${c.name}:${c.kind}`).join("\u0000");
      if (key === panelFor) return;
      panelFor = key;
      const bound = (c, k) => {
        const input = h("input", { type: "number", step: "any", class: "jtb-input", style: { width: "7em" },
          placeholder: k ? "max" : "min", [k ? "data-jtb-hparams-max" : "data-jtb-hparams-min"]: c.name });
        const current = bounds.get(c.name);
        if (current && Number.isFinite(current[k])) input.value = String(current[k]);
        input.addEventListener("input", () => {
          const pair = bounds.get(c.name) || [NaN, NaN];
          pair[k] = input.value === "" ? NaN : Number(input.value);
          if (Number.isNaN(pair[0]) && Number.isNaN(pair[1])) bounds.delete(c.name); else bounds.set(c.name, pair);
          refresh();
        });
        return input;
      };
      columnsBox.replaceChildren(...t.columns.map((c) => {
        const box = h("input", { type: "checkbox", "data-jtb-hparams-column": c.name, checked: !hidden.has(c.name) });
        box.addEventListener("change", () => {
          if (box.checked) hidden.delete(c.name); else hidden.add(c.name);
          refresh();
        });
        return h("div", { class: "jtb-hparams-column-row" }, [
          h("label", { class: "jtb-control", title: `${c.group}: ${c.name}` }, [box, h("span", { text: c.name, style: { fontStyle: c.group === "metric" ? "italic" : "normal" } })]),
          ...(c.kind === "number" ? [bound(c, 0), h("span", { text: "–" }), bound(c, 1)] : []),
        ]);
      }));
    }

    // the shown sessions (filters, brushes, sort order) with the shown columns, as a file
    function download(format) {
      const t = state.table;
      if (!t) return;
      const columns = shownColumns();
      const filtered = filterMask();
      const rows = sortedRows(filtered.map((v, r) => v & (pc.mask[r] ?? 1))).map((r) => ({
        run: t.runs[r], status: t.status[r], cells: columns.map((c) => cellValue(c, r)),
      }));
      const { extension, mime } = FORMATS[format];
      downloadFile(exportSessions(format, { rows, columns }), `hparams_sessions.${extension}`, mime); // a Blob: no kernel round trip
    }

    function sortedRows(mask) {
      const t = state.table;
      const rows = [...Array(t.runs.length).keys()].filter((r) => mask[r]);
      if (sortBy === null) return rows;
      const col = t.columns.find((c) => c.name === sortBy);
      const key = (r) => {
        if (sortBy === "run") return t.runs[r];
        if (sortBy === "status") return t.status[r];
        if (!col) return 0;
        const v = col.values[r];
        return col.kind === "number" || !Number.isFinite(v) ? v : String(col.categories[v]);
      };
      const missing = (v) => v === undefined || (typeof v === "number" && !Number.isFinite(v));
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (missing(x) || missing(y)) return missing(x) - missing(y); // missing always last
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -c : c;
      });
      return rows;
    }

    function renderTable(mask) {
      const t = state.table;
      const columns = shownColumns();
      const names = ["run", ...columns.map((c) => c.name), "status", "started", "ended"];
      const groups = ["", ...columns.map((c) => c.group), "", "", ""];
      const head = h("tr", {}, names.map((name, k) => {
        const th = h("th", {
          "data-jtb-sort": name, title: groups[k] ? `${groups[k]}: ${name} (click to sort)` : "click to sort",
          style: { position: "sticky", top: "0", background: "var(--jp-layout-color2, #f3f3f3)", cursor: "pointer", padding: "2px 6px", textAlign: "left", whiteSpace: "nowrap", fontStyle: groups[k] === "metric" ? "italic" : "normal" },
        }, [...breakAtSlashes(name), sortBy === name ? (descending ? " ▼" : " ▲") : ""]);
        th.addEventListener("click", () => {
          if (sortBy === name) descending = !descending; else { sortBy = name; descending = false; }
          refresh();
        });
        return th;
      }));
      const body = sortedRows(mask).map((r) => {
        const run = t.runs[r];
        const tr = h("tr", { "data-jtb-session": run, "aria-selected": picked.has(run) ? "true" : "false",
          style: { cursor: "pointer", background: picked.has(run) ? "rgba(242,142,43,0.18)" : "" } }, [
          h("td", { title: run, style: { padding: "1px 6px", whiteSpace: "nowrap" } }, [h("span", { class: "jtb-swatch", style: { background: colorOf(run), marginRight: "4px" } }), run]),
          ...columns.map((c) => h("td", { text: cellText(c, r), style: { padding: "1px 6px", textAlign: c.kind === "number" ? "right" : "left" } })),
          h("td", { text: t.status[r], style: { padding: "1px 6px" } }),
          h("td", { text: timeText(t.start_time[r]), style: { padding: "1px 6px", whiteSpace: "nowrap" } }),
          h("td", { text: timeText(t.end_time[r]), style: { padding: "1px 6px", whiteSpace: "nowrap" } }),
        ]);
        tr.addEventListener("click", (ev) => pick(r, ev.ctrlKey || ev.metaKey || ev.shiftKey));
        return tr;
      });
      const groupRows = sessionGroupRows(t.groups, columns, colorOf); // run groups: mean ± std per metric
      tableEl.replaceChildren(h("thead", {}, [head]), h("tbody", {}, [...groupRows, ...body]));
      count.textContent = `${body.length} of ${t.runs.length} sessions`;
    }

    function refresh() {
      const t = state.table;
      const has = t && t.runs.length > 0;
      empty.style.display = has ? "none" : "";
      if (!has) { tableEl.replaceChildren(); count.textContent = ""; return; }
      renderColumnsPanel();
      const filtered = filterMask();
      const colors = t.runs.map(colorOf);
      const selected = t.runs.findIndex((run) => picked.has(run));
      const columns = shownColumns();
      pcBox.dataset.jtbColors = JSON.stringify(Object.fromEntries(t.runs.map((run, r) => [run, colors[r]])));
      pc.update({ columns, colors, visible: filtered, selected }); // keeps brushes
      brushMask = pc.mask;
      const mask = filtered.map((v, r) => v & brushMask[r]);
      renderTable(mask);
      sm.update({ xColumns: columns.filter((c) => c.group === "hparam"), yColumns: columns.filter((c) => c.group === "metric"), colors, visible: mask, selected });
    }

    function pick(r, toggle) {
      const t = state.table;
      if (r < 0 || !t) return;
      const run = t.runs[r];
      if (toggle) { if (picked.has(run)) picked.delete(run); else picked.add(run); }
      else picked = new Set([run]);
      model.set("selected_sessions", [...picked]);
      model.save_changes();
      refresh();
      showSessions();
    }

    async function showSessions() {
      for (const c of sessionCharts) c.destroy();
      sessionCharts = [];
      detail.replaceChildren();
      const runs = [...picked];
      if (!runs.length) { detail.append(h("div", { class: "jtb-empty", text: "Click a session (table row, line or point) to see its scalars." })); return; }
      const note = h("div", { class: "jtb-progress", text: `loading scalars of ${runs.join(", ")} …` });
      detail.append(note);
      let replies;
      try {
        replies = await Promise.all(runs.map((run) => ctx.request("session", { run })));
      } catch (err) {
        note.textContent = `could not load the session's scalars: ${err.message || err}`;
        return;
      }
      if (ctx.signal?.aborted) return;
      note.remove();
      // curves (two or more steps) as charts, metric tags first; single values (the final
      // metrics add_hparams writes) in one small table instead of one-point charts
      const metricNames = new Set(state.table ? state.table.columns.filter((c) => c.group === "metric").map((c) => c.name) : []);
      const byTag = new Map(), single = [];
      for (const reply of replies) for (const s of reply.series) {
        if (s.steps.length < 2) { single.push({ run: reply.run, tag: s.tag, step: s.steps[0], value: s.values[0] }); continue; }
        if (!byTag.has(s.tag)) byTag.set(s.tag, []);
        byTag.get(s.tag).push({ name: reply.run, color: colorOf(reply.run), x: s.steps, y: s.values, smooth: null, n: s.steps.length });
      }
      const rank = (tag) => (metricNames.has(tag) || [...metricNames].some((m) => m.endsWith(`/${tag}`) || tag.endsWith(m.split("/").pop())) ? 0 : 1);
      const grid = h("div", { class: "jtb-cards" });
      detail.append(grid);
      for (const [tag, series] of [...byTag].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))) {
        const body = h("div");
        const card = h("div", { class: "jtb-card", "data-jtb-session-chart": tag, "data-jtb-points": String(series.reduce((n, s) => n + s.n, 0)) }, [
          h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]), body,
        ]);
        grid.append(card);
        addDownloadMenu(card, tag);
        const chart = createLineChart(body, { height: 160 });
        chart.jtbArgs = { series, xKind: "step", logY: false, ignoreOutliers: false };
        chart.update(chart.jtbArgs);
        sessionCharts.push(chart);
      }
      if (single.length) {
        detail.append(h("table", { class: "jtb-hparams-values", "data-jtb-session-values": "" }, [
          h("thead", {}, [h("tr", {}, ["session", "tag", "step", "value"].map((t) => h("th", { text: t })))]),
          h("tbody", {}, single.map((v) => h("tr", {}, [h("td", { text: v.run }), h("td", { text: v.tag }), h("td", { text: String(v.step) }), h("td", { text: formatNumber(v.value) })]))),
        ]));
      }
      if (!byTag.size && !single.length) detail.append(h("div", { class: "jtb-empty", text: "No scalars logged in these sessions." }));
    }

    filter.addEventListener("input", () => refresh());
    const unsubscribeSelection = ctx.selection ? ctx.selection.subscribe(() => refresh()) : () => {};
    // line charts read the theme's colours when they draw: draw them again
    const unsubscribeTheme = onThemeChange(() => { for (const c of sessionCharts) c.update(c.jtbArgs); });
    status.addEventListener("change", () => refresh());
    clear.addEventListener("click", () => pc.clearBrushes());
    let seen = -1;
    const unsubscribe = ctx.onMessage(() => {
      if (state.version === seen) return;
      seen = state.version;
      refresh();
    });
    const onPicked = () => {
      const next = new Set(model.get("selected_sessions") || []);
      if (next.size === picked.size && [...next].every((r) => picked.has(r))) return;
      picked = next;
      refresh();
      showSessions();
    };
    model.on("change:selected_sessions", onPicked);
    seen = state.version;
    refresh();
    showSessions();

    return () => {
      unsubscribe();
      unsubscribeSelection();
      unsubscribeTheme();
      model.off("change:selected_sessions", onPicked);
      pc.destroy();
      sm.destroy();
      for (const c of sessionCharts) c.destroy();
    };
  },
};
