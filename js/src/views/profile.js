// Profile view: torch.profiler traces. Protocol in jupyter_tb/widgets/views/profile.py.
// Sections (Overview, Operators, Kernels, Memory, Compare) above the timeline, which stays in
// view so clicking an operator shows where it ran. Sorting, searching, zooming, the step
// choice and highlighting all run in the browser; run / cycle / comparison choices go to the
// kernel as traits (answered when it is idle).
//
// DOM contract (tests): [data-jtb-profile-run], [data-jtb-profile-cycle], [data-jtb-profile-step]
// (selects), [data-jtb-profile-section="overview|operators|kernels|memory|compare"] (section
// buttons; aria-selected), [data-jtb-profile-panel="<section>"], [data-jtb-profile-steps] (the
// step chart), [data-jtb-op="<name>"] (operator rows), [data-jtb-group-shape] (checkbox),
// [data-jtb-kernel="<name>"], [data-jtb-compare] (select), [data-jtb-compare-op="<name>"],
// [data-jtb-timeline] (canvas: data-marks, data-draw-ms, data-window), [data-jtb-span-details].
import { h } from "../lib/dom.js";
import { createTimeline } from "../lib/timeline.js";
import { createDataTable } from "../lib/datatable.js";
import { drawStepBars, STEP_PARTS, GPU_PARTS } from "../lib/profile_charts.js";
import { createLineChart } from "../lib/linechart.js";
import { formatBytes, formatDuration } from "../lib/profile_format.js";

const SECTIONS = ["overview", "operators", "kernels", "memory", "compare"];
const us = (v) => formatDuration(v);
const OP_COLUMNS = [
  { key: "name", label: "Operator" },
  { key: "calls", label: "Calls", numeric: true, format: String },
  { key: "self_cpu_us", label: "Self CPU", numeric: true, format: us },
  { key: "total_cpu_us", label: "Total CPU", numeric: true, format: us },
  { key: "self_device_us", label: "Self device", numeric: true, format: us },
  { key: "total_device_us", label: "Total device", numeric: true, format: us },
];
const KERNEL_COLUMNS = [
  { key: "name", label: "Kernel" },
  { key: "operator", label: "Launched by" },
  { key: "calls", label: "Calls", numeric: true, format: String },
  { key: "total_us", label: "Total", numeric: true, format: us },
  { key: "mean_us", label: "Mean", numeric: true, format: us },
  { key: "max_us", label: "Max", numeric: true, format: us },
];
const signed = (v) => (v > 0 ? "+" : "") + formatDuration(v);
const COMPARE_COLUMNS = [
  { key: "name", label: "Operator" },
  { key: "calls_base", label: "Calls (this)", numeric: true, format: String },
  { key: "calls_other", label: "Calls (other)", numeric: true, format: String },
  { key: "self_cpu_us_base", label: "Self CPU (this)", numeric: true, format: us },
  { key: "self_cpu_us_other", label: "Self CPU (other)", numeric: true, format: us },
  { key: "self_cpu_us_diff", label: "Δ self CPU", numeric: true, format: signed },
  { key: "total_cpu_us_diff", label: "Δ total CPU", numeric: true, format: signed },
  { key: "self_device_us_diff", label: "Δ self device", numeric: true, format: signed },
];

export default {
  createState() {
    return { profiles: {}, run: "", cycle: "", profile: null, compare: null, version: 0 };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") {
      Object.assign(state, { profiles: msg.profiles, run: msg.run, cycle: msg.cycle, profile: null, compare: null });
    } else if (msg.type === "profiles") {
      state.profiles = msg.profiles;
    } else if (msg.type === "profile") {
      Object.assign(state, { profile: msg, run: msg.run, cycle: msg.cycle });
    } else if (msg.type === "compare") {
      state.compare = msg;
    }
    state.version += 1;
  },

  render(ctx) {
    const { state, model } = ctx;
    const runSelect = h("select", { class: "jtb-input", "data-jtb-profile-run": "" });
    const runSwatch = h("i", { class: "jtb-swatch" }); // the run's colour, as on every other tab
    const compareSwatch = h("i", { class: "jtb-swatch" });
    const cycleSelect = h("select", { class: "jtb-input", "data-jtb-profile-cycle": "" });
    const stepSelect = h("select", { class: "jtb-input", "data-jtb-profile-step": "" });
    const info = h("span", { class: "jtb-progress" });
    const tabs = h("div", { class: "jtb-profile-tabs", role: "tablist" });
    const panels = {};
    const buttons = {};
    for (const name of SECTIONS) {
      buttons[name] = h("button", { class: "jtb-button", role: "tab", "data-jtb-profile-section": name, text: name[0].toUpperCase() + name.slice(1), onclick: () => show(name) });
      panels[name] = h("div", { class: "jtb-profile-panel", "data-jtb-profile-panel": name });
      tabs.append(buttons[name]);
    }
    const empty = h("div", { class: "jtb-empty", text: "No profiler trace in this logdir yet (torch.profiler with tensorboard_trace_handler(run_dir))." });
    const timelineBox = h("div", { class: "jtb-profile-timeline" });
    const details = h("div", { class: "jtb-span-details", "data-jtb-span-details": "" });
    const main = h("div", { class: "jtb-profile" }, [
      h("div", { class: "jtb-toolbar" }, [
        h("label", { class: "jtb-control" }, [runSwatch, h("span", { text: "Run" }), runSelect]),
        h("label", { class: "jtb-control" }, [h("span", { text: "Worker · cycle" }), cycleSelect]),
        h("label", { class: "jtb-control" }, [h("span", { text: "Step" }), stepSelect]),
        info,
      ]),
      empty, tabs, ...SECTIONS.map((s) => panels[s]),
      h("div", { class: "jtb-section-title", text: "Timeline (wheel: zoom · drag: pan · shift+wheel: rows · double-click: whole trace)" }),
      timelineBox, details,
    ]);
    ctx.el.append(main); // not ctx.mount: the run menu above replaces the run selector

    // -- overview: step chart and the chosen step's breakdown
    const stepWrap = h("div", { class: "jtb-plot", style: { height: "200px" }, "data-jtb-profile-steps": "" });
    const stepCanvas = h("canvas", { class: "jtb-canvas" });
    stepWrap.append(stepCanvas);
    const breakdown = h("table", { class: "jtb-datatable jtb-breakdown" });
    panels.overview.append(stepWrap, h("div", { class: "jtb-legend" }, STEP_PARTS.map((p) => h("span", {}, [h("i", { style: { background: p.color } }), p.label]))), breakdown);
    let stepBoxes = [];
    stepCanvas.addEventListener("click", (event) => {
      const x = event.clientX - stepCanvas.getBoundingClientRect().left;
      const box = stepBoxes.find((b) => x >= b.x0 - 2 && x <= b.x1 + 2);
      if (box) { stepSelect.value = String(box.row); onStep(); }
    });

    // -- operators
    const groupShape = h("input", { type: "checkbox", "data-jtb-group-shape": "" });
    panels.operators.append(h("label", { class: "jtb-control" }, [groupShape, h("span", { text: "Group by input shape" })]));
    const opTableBox = h("div");
    panels.operators.append(opTableBox);
    let opColumns = OP_COLUMNS;
    let opTable = null;
    function makeOpTable() {
      opTableBox.replaceChildren();
      opColumns = groupShape.checked ? [OP_COLUMNS[0], { key: "input_dims", label: "Input shapes" }, ...OP_COLUMNS.slice(1)] : OP_COLUMNS;
      opTable = createDataTable(opTableBox, {
        columns: opColumns,
        sortKey: "total_cpu_us",
        rowAttr: (data, i) => ({ "data-jtb-op": data.name[i] }),
        onRowClick: (data, i) => selectOperator(data.name[i]),
      });
    }
    makeOpTable();
    groupShape.addEventListener("change", () => { makeOpTable(); drawTables(); });

    // -- kernels, memory, compare
    const kernelTable = createDataTable(panels.kernels, { columns: KERNEL_COLUMNS, sortKey: "total_us", rowAttr: (d, i) => ({ "data-jtb-kernel": d.name[i] }) });
    const noKernels = h("div", { class: "jtb-empty", text: "No GPU kernels in this trace (a CPU-only profile)." });
    panels.kernels.prepend(noKernels);
    const memoryNote = h("div", { class: "jtb-empty", text: "No memory events: profile with profile_memory=True." });
    const memoryBox = h("div");
    panels.memory.append(memoryNote, h("div", { class: "jtb-progress", text: "Allocated (solid) and reserved memory per device, MB over ms from the trace's start" }), memoryBox);
    const memoryChart = createLineChart(memoryBox, { height: 240 });
    const compareSelect = h("select", { class: "jtb-input", "data-jtb-compare": "" });
    const compareNote = h("span", { class: "jtb-progress" });
    panels.compare.append(h("div", { class: "jtb-toolbar" }, [h("label", { class: "jtb-control" }, [h("span", { text: "Compare with" }), compareSwatch, compareSelect]), compareNote]));
    const compareTable = createDataTable(panels.compare, { columns: COMPARE_COLUMNS, sortKey: "self_cpu_us_diff", rowAttr: (d, i) => ({ "data-jtb-compare-op": d.name[i] }) });

    const timeline = createTimeline(timelineBox, { onPick: showDetails });

    let section = "overview";
    let shownProfile = null;
    let shownCompare = null;

    function show(name) {
      section = name;
      for (const s of SECTIONS) {
        panels[s].style.display = s === name ? "" : "none";
        buttons[s].setAttribute("aria-selected", String(s === name));
      }
      if (name === "memory") drawMemory();
      if (name === "overview") drawOverview();
    }

    function operatorMask(name) {
      const p = state.profile;
      if (!p || !name) return null;
      const names = p.timeline.names;
      const mask = new Uint8Array(names.length);
      let any = false;
      for (let c = 0; c < names.length; c++) {
        if (names[c] === name || (name === "ProfilerStep*" && names[c].startsWith("ProfilerStep#"))) { mask[c] = 1; any = true; }
      }
      return any ? mask : null;
    }

    function selectOperator(name) {
      const same = model.get("selected_operator") === name;
      const next = same ? "" : name;
      ctx.save("selected_operator", next);
      applyOperator(next);
    }

    function applyOperator(name) {
      timeline.highlight(operatorMask(name));
      opTable.select(name || null);
    }

    function onStep() {
      const p = state.profile;
      if (!p) return;
      const i = Number(stepSelect.value);
      const steps = p.steps;
      if (i >= 0 && i < steps.step.length) {
        timeline.setWindow(steps.start_us[i], steps.start_us[i] + steps.duration_us[i]);
      } else {
        timeline.setWindow(0, Infinity);
      }
      drawOverview();
    }

    async function showDetails(span) {
      if (!span) { details.replaceChildren(); return; }
      const rows = [["Name", span.name], ["Category", span.cat], ["Lane", span.lane], ["Start", formatDuration(span.start)], ["Duration", formatDuration(span.dur)]];
      const table = h("table", { class: "jtb-datatable" }, rows.map(([k, v]) => h("tr", {}, [h("th", { text: k }), h("td", { text: v })])));
      const args = h("pre", { class: "jtb-span-args", text: "args: loading (answered when the kernel is idle) …" });
      details.replaceChildren(table, args);
      try {
        const reply = await ctx.request("event", { index: span.event });
        args.textContent = JSON.stringify(reply.event.args || {}, null, 1);
      } catch (error) {
        args.textContent = `args unavailable: ${error.message}`;
      }
    }

    function drawOverview() {
      const p = state.profile;
      if (!p || p.error || section !== "overview") return;
      stepBoxes = drawStepBars(stepCanvas, stepWrap, p.steps, Number(stepSelect.value));
      const i = Number(stepSelect.value);
      const steps = p.steps;
      const n = steps.step.length;
      const pick = (key) => {
        if (!steps[key]) return null;
        if (i >= 0) return steps[key][i];
        let sum = 0;
        for (let k = 0; k < n; k++) sum += steps[key][k];
        return n ? sum / n : 0;
      };
      const total = pick("duration_us") || 0;
      const rows = [...STEP_PARTS, ...GPU_PARTS].filter((part) => steps[part.key]).map((part) => {
        const v = pick(part.key);
        return h("tr", {}, [h("td", {}, [h("i", { class: "jtb-swatch", style: { background: part.color } }), part.label]), h("td", { class: "jtb-num", text: formatDuration(v) }), h("td", { class: "jtb-num", text: total ? `${((100 * v) / total).toFixed(1)}%` : "" })]);
      });
      const head = h("tr", {}, [h("th", { text: i >= 0 ? (steps.label ? steps.label[i] : `Step ${steps.step[i]}`) : `Mean of ${n} steps` }), h("th", { class: "jtb-num", text: formatDuration(total) }), h("th", {})]);
      if (steps.gpu_utilization) rows.push(h("tr", {}, [h("td", { text: "GPU utilisation" }), h("td", { class: "jtb-num", text: `${(100 * pick("gpu_utilization")).toFixed(1)}%` }), h("td")]));
      breakdown.replaceChildren(head, ...rows);
      if (!n) breakdown.replaceChildren(h("tr", {}, [h("td", { text: "No ProfilerStep#N spans in this trace (call prof.step() each iteration)." })]));
    }

    function drawMemory() {
      const p = state.profile;
      if (!p || p.error) return;
      const m = p.memory;
      const n = m.time_us.length;
      memoryNote.style.display = n ? "none" : "";
      memoryBox.style.display = n ? "" : "none";
      if (!n || section !== "memory") return;
      const series = [];
      const palette = ["#4e79a7", "#e15759", "#59a14f", "#b07aa1"];
      m.device.forEach((device, d) => {
        for (const [key, suffix] of [["allocated_bytes", "allocated"], ["reserved_bytes", "reserved"]]) {
          const x = [], y = [];
          for (let i = 0; i < n; i++) if (m.device_index[i] === d) { x.push(m.time_us[i] / 1000); y.push(m[key][i] / 2 ** 20); }
          if (suffix === "reserved" && y.every((v) => v === 0)) continue;
          series.push({ name: `${device} ${suffix}`, color: palette[(2 * d + (suffix === "reserved")) % palette.length], x: Float64Array.from(x), y: Float64Array.from(y), n: x.length });
        }
      });
      memoryChart.update({ series, xKind: "step", logY: false, ignoreOutliers: false });
      memoryBox.title = `peak allocated ${formatBytes(Math.max(...m.allocated_bytes))}`;
    }

    function drawTables() {
      const p = state.profile;
      if (!p || p.error) return;
      opTable.update(groupShape.checked ? p.operators_by_shape : p.operators);
      kernelTable.update(p.kernels);
      noKernels.style.display = p.kernels.name.length ? "none" : "";
      applyOperator(model.get("selected_operator"));
    }

    function fillCompareChoices() {
      const choices = [["", "—"]];
      for (const [run, cycles] of Object.entries(state.profiles)) {
        for (const cycle of cycles) if (!(run === state.run && cycle === state.cycle)) choices.push([`${run}\u0000${cycle}`, `${run} · ${cycle}`]);
      }
      compareSelect.replaceChildren(...choices.map(([value, text]) => h("option", { value, text })));
      const current = model.get("compare_cycle") ? `${model.get("compare_run") || state.run}\u0000${model.get("compare_cycle")}` : "";
      compareSelect.value = choices.some(([v]) => v === current) ? current : "";
      const otherRun = compareSelect.value.split("\u0000")[0];
      compareSwatch.style.background = otherRun ? ctx.selection.color(otherRun) : "transparent";
    }
    compareSelect.addEventListener("change", () => {
      const [run, cycle] = compareSelect.value ? compareSelect.value.split("\u0000") : ["", ""];
      model.set("compare_run", run);
      model.set("compare_cycle", cycle);
      model.save_changes();
      compareNote.textContent = cycle ? "comparing … (answered when the kernel is idle)" : "";
    });

    function refresh() {
      const runs = Object.keys(state.profiles);
      empty.style.display = runs.length ? "none" : "";
      tabs.style.display = runs.length ? "" : "none";
      runSelect.replaceChildren(...runs.map((run) => h("option", { value: run, text: run === "." ? "(logdir)" : run })));
      runSelect.value = state.run;
      runSwatch.style.background = state.run ? ctx.selection.color(state.run) : "transparent";
      const cycles = state.profiles[state.run] || [];
      cycleSelect.replaceChildren(...cycles.map((c) => h("option", { value: c, text: c })));
      cycleSelect.value = state.cycle;
      fillCompareChoices();
      const p = state.profile;
      if (p !== shownProfile) {
        shownProfile = p;
        if (p && !p.error) {
          const steps = p.steps;
          stepSelect.replaceChildren(h("option", { value: "-1", text: "All steps" }), ...Array.from(steps.step, (s, i) => h("option", { value: String(i), text: `${steps.label ? steps.label[i] : `ProfilerStep#${s}`} (${formatDuration(steps.duration_us[i])})` })));
          info.textContent = `${p.events.toLocaleString()} events · ${p.timeline.start.length.toLocaleString()} spans`;
          timeline.update(p.timeline);
          details.replaceChildren(); // a span of the trace shown before
          drawTables();
          drawOverview();
          drawMemory();
        } else {
          info.textContent = p ? p.error : runs.length ? "loading trace …" : "";
        }
      }
      const c = state.compare;
      if (c !== shownCompare) {
        shownCompare = c;
        compareNote.textContent = c ? c.error || `${c.table.name.length} operators` : "";
        if (c && !c.error) compareTable.update(c.table);
      }
    }

    runSelect.addEventListener("change", () => { model.set("run", runSelect.value); model.set("cycle", ""); model.save_changes(); info.textContent = "loading …"; });
    cycleSelect.addEventListener("change", () => { ctx.save("cycle", cycleSelect.value); info.textContent = "loading …"; });
    stepSelect.addEventListener("change", onStep);
    const onSelected = () => applyOperator(model.get("selected_operator"));
    model.on("change:selected_operator", onSelected);
    const unsubscribe = ctx.onMessage(refresh);
    show("overview");
    refresh();
    return () => {
      unsubscribe();
      model.off("change:selected_operator", onSelected);
      timeline.destroy();
      memoryChart.destroy?.();
    };
  },
};
