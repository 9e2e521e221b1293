// Scalars view: one chart per tag, selected runs overlaid. Wire protocol in
// jupyter_tb/widgets/scalars.py. Everything interactive (smoothing, runs, log scale, hover,
// zoom within data already here) happens in the browser; the kernel is asked only to refine
// a zoomed window of a downsampled series, for CSV downloads, and for exact smoothing of
// downsampled series (until it answers, the browser approximates and says so).
import { h, tagSections } from "../lib/dom.js";
import { createLineChart, formatNumber, formatX } from "../lib/linechart.js";
import { smooth } from "../lib/smoothing.js";

const key = (run, tag) => `${run}\u0000${tag}`;

function grow(array, need) {
  if (array.length >= need) return array;
  const next = new Float64Array(Math.max(need, array.length * 2, 64));
  next.set(array);
  return next;
}

function fromMessage(msg) {
  const n = msg.step.length;
  const copy = (a) => { const out = new Float64Array(Math.max(n, 16)); out.set(a); return out; };
  return {
    run: msg.run, tag: msg.tag, mode: msg.mode, total: msg.total, n,
    step: copy(msg.step), wall: copy(msg.wall), value: copy(msg.value),
    smoothed: msg.smoothed ? copy(msg.smoothed) : null,
    weight: msg.weight ?? null,
    version: 1,
  };
}

function append(series, msg) {
  const add = msg.step.length;
  const n = series.n + add;
  for (const name of ["step", "wall", "value"]) {
    series[name] = grow(series[name], n);
    series[name].set(msg[name], series.n);
  }
  if (series.mode === "sampled") {
    series.smoothed = grow(series.smoothed || new Float64Array(0), n);
    if (msg.smoothed && msg.weight === series.weight) series.smoothed.set(msg.smoothed, series.n);
    else series.weight = null; // mixed weights: not exact any more
  }
  series.n = n;
  series.total = msg.total;
  series.version += 1;
}

export default {
  createState() {
    return { runs: [], tags: {}, series: new Map(), kernelWeight: 0.6 };
  },

  onMessage(state, msg) {
    switch (msg.type) {
      case "reset":
        state.series.clear();
        state.kernelWeight = msg.smoothing;
        break;
      case "series":
        state.series.set(key(msg.run, msg.tag), fromMessage(msg));
        break;
      case "append": {
        const series = state.series.get(key(msg.run, msg.tag));
        if (series) append(series, msg);
        break;
      }
      case "smoothed": {
        const series = state.series.get(key(msg.run, msg.tag));
        if (series && msg.smoothed.length === series.n) {
          series.smoothed = grow(series.smoothed || new Float64Array(0), series.n);
          series.smoothed.set(msg.smoothed);
          series.weight = msg.weight;
          series.version += 1;
        }
        break;
      }
      default:
    }
  },

  render(ctx) {
    const { state, model, selection } = ctx;
    let weight = model.get("smoothing") ?? 0.6;
    let xKind = model.get("x_axis") || "step";
    let logY = !!model.get("log_y");
    let ignoreOutliers = !!model.get("ignore_outliers");

    // -- toolbar ---------------------------------------------------------------------------
    const slider = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", value: String(weight), "data-jtb-smoothing": "", class: "jtb-slider" });
    const sliderValue = h("span", { class: "jtb-value", "data-jtb-smoothing-value": "", text: weight.toFixed(3) });
    const note = h("span", {
      class: "jtb-note", "data-jtb-smoothing-note": "", style: { display: "none" },
      text: "≈ smoothing approximated from the downsampled series; exact values arrive when the kernel is idle",
    });
    const axis = h("select", { class: "jtb-input", "data-jtb-x-axis": "" }, ["step", "relative", "wall"].map((v) => h("option", { value: v, text: v })));
    axis.value = xKind;
    const logBox = h("input", { type: "checkbox", "data-jtb-log-y": "", checked: logY });
    const outlierBox = h("input", { type: "checkbox", "data-jtb-ignore-outliers": "", checked: ignoreOutliers });
    const toolbar = h("div", { class: "jtb-toolbar" }, [
      h("label", { class: "jtb-control" }, [h("span", { text: "Smoothing" }), slider, sliderValue]),
      h("label", { class: "jtb-control" }, [h("span", { text: "X axis" }), axis]),
      h("label", { class: "jtb-control" }, [logBox, h("span", { text: "log y" })]),
      h("label", { class: "jtb-control" }, [outlierBox, h("span", { text: "ignore outliers" })]),
      note,
    ]);
    const charts = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No scalar data yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [toolbar, empty, charts]));
    const cleanups = [];
    const save = ctx.save;
    slider.addEventListener("input", () => {
      weight = Number(slider.value);
      sliderValue.textContent = weight.toFixed(3);
      save("smoothing", weight);
      redrawAll();
    });
    axis.addEventListener("change", () => {
      xKind = axis.value;
      save("x_axis", xKind);
      for (const card of sections.cards.values()) { card.windows.clear(); card.chart.setDomain(null); }
      redrawAll();
    });
    logBox.addEventListener("change", () => { logY = logBox.checked; save("log_y", logY); redrawAll(); });
    outlierBox.addEventListener("change", () => { ignoreOutliers = outlierBox.checked; save("ignore_outliers", ignoreOutliers); redrawAll(); });

    // -- per-series derived arrays (cached) ------------------------------------------------------
    const derived = new WeakMap();
    function xsOf(series) {
      if (xKind === "step") return series.step;
      if (xKind === "wall") return series.wall;
      let cached = derived.get(series);
      if (!cached || cached.version !== series.version) {
        const rel = new Float64Array(series.n);
        const start = series.wall[0];
        for (let i = 0; i < series.n; i++) rel[i] = series.wall[i] - start;
        cached = { version: series.version, rel, smooth: null };
        derived.set(series, cached);
      }
      return cached.rel;
    }
    const smoothCache = new WeakMap();
    // returns [smoothed array, approximated?]
    function smoothedOf(series) {
      if (weight === 0) return [null, false];
      if (series.mode === "sampled" && series.smoothed && series.weight === weight) return [series.smoothed, false];
      const cached = smoothCache.get(series);
      if (cached && cached.version === series.version && cached.weight === weight) return [cached.values, cached.approx];
      const values = smooth(series.value, weight, series.n);
      const approx = series.mode === "sampled";
      smoothCache.set(series, { version: series.version, weight, values, approx });
      return [values, approx];
    }

    // -- cards ----------------------------------------------------------------------------
    function makeCard(tag) {
      const readout = h("div", { class: "jtb-readout", "data-jtb-readout": "" });
      const body = h("div", { class: "jtb-chart-body" });
      const resetButton = h("button", { class: "jtb-button", "data-jtb-reset-zoom": "", text: "reset zoom" });
      const csvButton = h("button", { class: "jtb-button", "data-jtb-csv": "", text: "CSV" });
      const el = h("div", { class: "jtb-card", "data-jtb-chart": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag }), resetButton, csvButton]),
        body,
        readout,
      ]);
      const card = { el, tag, dirty: true, visible: true, windows: new Map(), drawn: 0 };
      card.chart = createLineChart(body, {
        onZoom: (range) => zoom(card, range),
        onHover: (rows) => showReadout(readout, rows),
      });
      resetButton.addEventListener("click", () => { card.chart.setDomain(null); zoom(card, null); });
      csvButton.addEventListener("click", () => downloadCsv(tag));
      observer.observe(el);
      return card;
    }

    function showReadout(readout, rows) {
      readout.replaceChildren();
      if (!rows) return;
      for (const row of rows) {
        const s = row.series;
        const wall = s.wallAt ? s.wallAt(row.index) : NaN;
        readout.append(h("div", { class: "jtb-readout-row", "data-jtb-readout-row": row.name }, [
          h("span", { class: "jtb-swatch", style: { background: row.color } }),
          h("span", { class: "jtb-run-name", text: row.name }),
          h("span", { text: `step ${formatNumber(s.stepAt(row.index))}` }),
          h("span", { text: `value ${formatNumber(row.value)}` }),
          row.smoothed !== null ? h("span", { text: `smoothed ${formatNumber(row.smoothed)}` }) : null,
          h("span", { text: Number.isFinite(wall) ? new Date(wall * 1000).toLocaleString() : "" }),
        ]));
      }
    }

    async function zoom(card, range) {
      card.windows.clear();
      save("x_range", range ? [range[0], range[1]] : []);
      if (!range) { redraw(card); return; }
      redraw(card); // immediately, with the data already here
      const width = Math.max(card.el.clientWidth - 70, 100);
      for (const run of selection.runs) {
        const series = state.series.get(key(run, card.tag));
        if (!series || series.mode !== "sampled" || !selection.isShown(run)) continue;
        const offset = xKind === "relative" ? series.wall[0] : 0;
        const axisName = xKind === "step" ? "step" : "wall";
        const wanted = { xKind, range };
        ctx.request("range", { run, tag: card.tag, x0: range[0] + offset, x1: range[1] + offset, axis: axisName, px: Math.round(width) })
          .then((data) => {
            if (card.chart.domain !== range || xKind !== wanted.xKind) return; // zoom moved on
            card.windows.set(run, { data, version: series.version });
            redraw(card);
          })
          .catch((error) => console.warn("jupyter-tb: zoom refinement failed", error));
      }
    }

    async function downloadCsv(tag) {
      const runs = selection.runs.filter((run) => selection.isShown(run));
      try {
        const data = await ctx.request("csv", { tag, runs });
        const blob = new Blob([data.csv], { type: "text/csv" });
        const url = URL.createObjectURL(blob);
        const link = h("a", { href: url, download: data.filename });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      } catch (error) {
        console.warn("jupyter-tb: CSV download failed", error);
      }
    }

    let approximated = false;
    function seriesFor(card) {
      const out = [];
      for (const run of selection.runs) {
        if (!selection.isShown(run)) continue;
        const series = state.series.get(key(run, card.tag));
        if (!series || series.n === 0) continue;
        const window = card.windows.get(run);
        if (window && window.data.weight === weight) {
          const d = window.data;
          const x = xKind === "step" ? d.step : xKind === "wall" ? d.wall : d.wall.map((w) => w - series.wall[0]);
          out.push({
            name: run, color: selection.color(run), x, y: d.value, smooth: weight ? d.smoothed : null, n: d.value.length,
            stepAt: (i) => d.step[i], wallAt: (i) => d.wall[i],
          });
          continue;
        }
        const [smoothed, approx] = smoothedOf(series);
        if (approx) approximated = true;
        out.push({
          name: run, color: selection.color(run), x: xsOf(series), y: series.value, smooth: smoothed, n: series.n,
          stepAt: (i) => series.step[i], wallAt: (i) => series.wall[i],
        });
      }
      return out;
    }

    function redraw(card) {
      if (!card.visible) { card.dirty = true; return; }
      card.dirty = false;
      const series = seriesFor(card);
      card.chart.update({ series, xKind, logY, ignoreOutliers });
      card.drawn += 1;
      card.el.setAttribute("data-jtb-points", String(series.reduce((sum, s) => sum + s.n, 0)));
      card.el.setAttribute("data-jtb-drawn", String(card.drawn));
    }

    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const card = [...sections.cards.values()].find((c) => c.el === entry.target);
        if (!card) continue;
        card.visible = entry.isIntersecting;
        if (card.visible && card.dirty) redraw(card);
      }
    }, { rootMargin: "200px" });
    const sections = tagSections(charts, makeCard, (card) => { observer.unobserve(card.el); card.chart.destroy(); });

    function redrawAll() {
      approximated = false;
      selection.setRuns(state.runs);
      const tags = selection.shownTags(state.tags);
      empty.style.display = tags.length ? "none" : "";
      sections.update(tags);
      for (const card of sections.cards.values()) redraw(card);
      note.style.display = approximated ? "" : "none";
    }

    let pending = 0;
    const changedTags = new Set();
    let everything = false;
    function scheduleRedraw(tag) {
      if (tag === undefined) everything = true; else changedTags.add(tag);
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        if (everything) {
          everything = false;
          changedTags.clear();
          redrawAll();
          return;
        }
        approximated = false;
        for (const tag of changedTags) {
          const card = sections.cards.get(tag);
          if (card) redraw(card);
        }
        changedTags.clear();
        for (const card of sections.cards.values()) {
          for (const run of selection.runs) {
            const series = state.series.get(key(run, card.tag));
            if (series && selection.isShown(run) && series.mode === "sampled" && weight && series.weight !== weight) approximated = true;
          }
        }
        note.style.display = approximated ? "" : "none";
      });
    }
    cleanups.push(ctx.onMessage((msg) => {
      if (msg.type === "series" || msg.type === "append" || msg.type === "smoothed") {
        const card = sections.cards.get(msg.tag);
        if (card && msg.type === "series") card.windows.delete(msg.run);
        if (card) scheduleRedraw(msg.tag); else scheduleRedraw();
      } else {
        scheduleRedraw();
      }
    }));
    cleanups.push(selection.subscribe(() => scheduleRedraw()));
    redrawAll();

    return () => {
      if (pending) cancelAnimationFrame(pending);
      observer.disconnect();
      for (const card of sections.cards.values()) card.chart.destroy();
      for (const fn of cleanups) fn();
    };
  },
};
