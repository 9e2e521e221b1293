// Run groups in the browser (kernel side: jupyter_tb/widgets/views/group_series.py): the
// grouping shared by the runs table and every chart, the group rows of the runs table, and
// the lines with bands a group draws.
//
// The grouping belongs to a selection (one per board, or per view shown alone):
//   const grouping = groupingOf(selection)
//   grouping.text            the group_by text: a regex, "hparam:NAME", "callable:<name>"
//   grouping.groupOf(run)    the run's group, or null when the rule leaves it alone
//   grouping.groups(runs)    [{name, members}] of the grouped runs among `runs`, in their order
//   grouping.edit(text)      the user typed: regroup at once (a regex groups here, the same way
//                            as Python's: its matches are removed from run names), then tell
//                            the model (onEdit)
//   grouping.setKernel({group_by, groups})   the kernel's grouping (_groups): used for
//                            hparam:/callable: rules and regexes JS cannot compile
//   grouping.expanded        Set of groups whose member rows are shown
// Changes are announced as the selection's "groups" event (selection.subscribe).
// A group's colour is selection.color(group): the name is allocated like a run's.
import { h } from "./dom.js";
import { formatNumber } from "./format.js";
import { smooth } from "./smoothing.js";
import { seriesKey } from "./steps.js";

const STORES = new WeakMap();

// A regex rule -> {run: group} of the runs it groups (the rest are left alone), or null when
// the text is not a regex here (hparam:, callable:, a Python-only regex).
export function groupByRegex(runs, text) {
  if (!text || /^(hparam|callable):/.test(text)) return null;
  let pattern;
  try { pattern = new RegExp(text, "g"); } catch { return null; }
  const out = {};
  for (const run of runs) {
    const group = run.replace(pattern, "");
    if (group && group !== run) out[run] = group;
  }
  return out;
}

export function groupingOf(selection) {
  if (STORES.has(selection)) return STORES.get(selection);
  let kernel = { group_by: "", groups: {} };
  let mapping = {};
  const grouping = {
    text: "",
    expanded: new Set(),
    onEdit: () => {},
    // a change reaches everything that follows the selection (runs table, charts)
    emit() { selection.emit("groups"); },
    // recompute {run: group}: the regex here when it compiles, else the kernel's answer for this text
    refresh() {
      const local = groupByRegex(selection.runs, grouping.text);
      mapping = local || (kernel.group_by === grouping.text ? { ...kernel.groups } : {});
    },
    groupOf(run) { return mapping[run] ?? null; },
    groups(runs) {
      const out = new Map();
      for (const run of runs) {
        const name = mapping[run];
        if (name === undefined) continue;
        if (!out.has(name)) out.set(name, []);
        out.get(name).push(run);
      }
      return [...out].map(([name, members]) => ({ name, members }));
    },
    setText(text) {
      if ((text || "") === grouping.text) return;
      grouping.text = text || "";
      grouping.refresh();
      grouping.emit();
    },
    edit(text) { grouping.setText(text); grouping.onEdit(grouping.text); },
    setKernel(value) {
      kernel = { group_by: value?.group_by || "", groups: value?.groups || {} };
      grouping.refresh();
      grouping.emit();
    },
    toggleExpanded(name) {
      if (grouping.expanded.has(name)) grouping.expanded.delete(name); else grouping.expanded.add(name);
      grouping.emit();
    },
  };
  selection.subscribe((reason) => { if (reason === "runs") grouping.refresh(); });
  STORES.set(selection, grouping);
  return grouping;
}

// Bind the grouping to a model with `group_by` / `_groups` traits (the dashboard, or a view
// shown alone): both ways; returns the unbind function.
export function bindGrouping(model, selection, save) {
  if (model.get("group_by") === undefined) return () => {};
  const grouping = groupingOf(selection);
  const fromModel = () => grouping.setText(model.get("group_by"));
  const fromKernel = () => grouping.setKernel(model.get("_groups"));
  grouping.text = model.get("group_by") || "";
  fromKernel();
  grouping.onEdit = (text) => save("group_by", text);
  model.on("change:group_by", fromModel);
  model.on("change:_groups", fromKernel);
  return () => { model.off("change:group_by", fromModel); model.off("change:_groups", fromKernel); };
}

// -- runs table ---------------------------------------------------------------------------------

// The group_by input and the group rows of the runs table (runselector.js):
//   const rows = createGroupRows(selection); rows.input (for the head);
//   rows.place(list, runRows, runs) after the table placed its run rows: puts each group's row
//   before its members (hidden unless the group is expanded)
export function createGroupRows(selection) {
  const grouping = groupingOf(selection);
  const input = h("input", {
    type: "search", class: "jtb-input", placeholder: "group runs (regex or hparam:NAME)",
    "aria-label": "Group runs by (regex removed from run names, or hparam:NAME)", "data-jtb-group-by": "",
    value: grouping.text, title: "A regex removed from run names: r\"/seed=\\d+\" groups lr=0.1/seed=1 and lr=0.1/seed=2 as lr=0.1; or hparam:NAME",
  });
  input.addEventListener("input", () => {
    const text = input.value.trim();
    const bad = !/^(hparam|callable):/.test(text) && groupByRegex([], text) === null && text !== "";
    input.setAttribute("aria-invalid", bad ? "true" : "false");
    if (!bad) grouping.edit(text);
  });
  const groupRows = new Map();

  function makeGroupRow(name) {
    const box = h("input", { type: "checkbox", "data-jtb-group-toggle": name, "aria-label": `Select the runs of ${name}` });
    const caret = h("button", { type: "button", class: "jtb-button jtb-group-caret", "data-jtb-group-expand": name, "aria-expanded": "false", "aria-label": `Show the runs of ${name}` });
    const swatch = h("span", { class: "jtb-swatch" });
    const count = h("span", { class: "jtb-group-count", "data-jtb-group-count": "" });
    const row = h("div", { class: "jtb-run jtb-group-row", role: "listitem", "data-jtb-group": name }, [
      caret, box, swatch, h("span", { class: "jtb-run-name", text: name, title: name }), count,
    ]);
    box.addEventListener("change", () => {
      const on = box.checked; // each toggle redraws this row: read the click's state once
      for (const run of row.members) if (selection.passesFilter(run) && selection.isSelected(run) !== on) selection.toggle(run, on);
    });
    caret.addEventListener("click", () => grouping.toggleExpanded(name));
    return Object.assign(row, { box, caret, swatch, count, members: [] });
  }

  function place(list, runRows, runs) {
    const seen = new Set();
    for (const { name, members } of grouping.groups(runs)) {
      let row = groupRows.get(name);
      if (!row) { row = makeGroupRow(name); groupRows.set(name, row); }
      seen.add(name);
      row.members = members;
      const open = grouping.expanded.has(name);
      const ticked = members.filter((run) => selection.isSelected(run)).length;
      row.box.checked = ticked === members.length;
      row.box.indeterminate = ticked > 0 && ticked < members.length;
      row.swatch.style.background = selection.color(name);
      row.count.textContent = `${members.length} run${members.length === 1 ? "" : "s"}`;
      row.caret.textContent = open ? "▾" : "▸";
      row.caret.setAttribute("aria-expanded", String(open));
      row.style.display = members.some((run) => selection.passesFilter(run)) ? "" : "none";
      list.insertBefore(row, runRows.get(members[0]));
      let after = row;
      for (const run of members) { // members right under their group, indented
        const member = runRows.get(run);
        member.classList.add("jtb-group-member");
        if (!open) member.style.display = "none";
        after.after(member);
        after = member;
      }
    }
    for (const [name, row] of groupRows) if (!seen.has(name)) { row.remove(); groupRows.delete(name); }
    for (const [run, row] of runRows) if (grouping.groupOf(run) === null) row.classList.remove("jtb-group-member");
    if (document.activeElement !== input && input.value !== grouping.text) input.value = grouping.text;
  }
  return { input, place };
}

// -- state of the scalars views ---------------------------------------------------------------

// Fold "group" / "group_drop" / "reset" messages into state.groups: key (group, tag) ->
// {group, tag, members, n, step, mean, std, min, max, median, count, version}.
export function foldGroupMessage(state, msg) {
  if (!state.groups) state.groups = new Map();
  if (msg.type === "reset") state.groups.clear();
  else if (msg.type === "group") {
    const before = state.groups.get(seriesKey(msg.group, msg.tag));
    state.groups.set(seriesKey(msg.group, msg.tag), { ...msg, n: msg.step.length, version: (before?.version ?? 0) + 1 });
  } else if (msg.type === "group_drop") state.groups.delete(seriesKey(msg.group, msg.tag));
}

// -- lines with bands -------------------------------------------------------------------------

// centre and band of an aggregate under the settings: {center, lower, upper}
export function bandOf(agg, center = "mean", band = "std") {
  const n = agg.n;
  const lower = new Float64Array(n), upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mean = agg.mean[i];
    if (band === "minmax") { lower[i] = agg.min[i]; upper[i] = agg.max[i]; continue; }
    const spread = band === "ci95" ? (1.96 * agg.std[i]) / Math.sqrt(agg.count[i]) : agg.std[i];
    lower[i] = mean - spread; // NaN where one member: no band there
    upper[i] = mean + spread;
  }
  return { center: center === "median" ? agg.median : agg.mean, lower, upper };
}

const SPREAD_NAMES = { std: "± std", minmax: "min … max", ci95: "95% CI" };

// The chart's lines with run groups: for the tag's groups whose aggregate the kernel sent
// for exactly the grouped members, one line (centre, smoothed like a run) with a band
// replaces the members' lines (kept faint behind when `group_members` is on). Aggregates are
// per step; on the time axes a group sits at its members' mean wall / relative time of each
// step (the kernel's `wall` / `relative` columns). Marks `el` with [data-jtb-band] while
// bands are drawn.
// A line's run is line.run, else its name; label(group) names a group's line, extra adds to it.
export function withGroups(lines, { tag, state, selection, settings, el = null, label = (group) => group, extra = {} }) {
  const grouping = groupingOf(selection);
  let banded = false;
  const out = [];
  const xKind = settings.get("x_axis");
  if (state.groups && state.groups.size) {
    const byRun = new Map(lines.map((line) => [line.run ?? line.name, line]));
    const weight = settings.get("smoothing");
    const drawn = new Set();
    for (const { name, members } of grouping.groups(selection.runs)) {
      const agg = state.groups.get(seriesKey(name, tag));
      if (!agg || agg.members.join("\n") !== members.join("\n")) continue; // regrouped: not here yet
      if (xKind !== "step" && !agg[xKind]) continue; // no times in the message: members drawn
      const shown = members.filter((run) => byRun.has(run));
      if (!shown.length) continue;
      for (const run of shown) drawn.add(run);
      if (settings.get("group_members")) {
        for (const run of shown) out.push({ ...byRun.get(run), color: `${byRun.get(run).color}55`, smooth: null, faint: true });
      }
      out.push({ ...groupLine(label(name), agg, selection.color(name), weight, settings, xKind), ...extra });
      banded = true;
    }
    lines = lines.filter((line) => !drawn.has(line.run ?? line.name));
  }
  if (el) markBand(el, banded, settings);
  return [...out, ...lines];
}

// [data-jtb-band="<band setting>"] on a card while it draws group bands
export function markBand(el, banded, settings) {
  el.toggleAttribute("data-jtb-band", banded);
  if (banded) el.setAttribute("data-jtb-band", settings.get("group_band"));
}

// withGroups for a chart of several tags (custom scalars' multiline charts): lines carry
// {run, tag}; each tag's groups replace its runs, named "<group>: <tag>" and dashed like the
// tag when the chart has more than one. Unchanged (and in the same order) without groups.
export function withGroupsByTag(lines, tags, { state, selection, settings, el, dashOf }) {
  if (!groupingOf(selection).groups(selection.runs).length) { markBand(el, false, settings); return lines; }
  const out = [];
  for (const tag of tags) {
    const own = lines.filter((line) => line.tag === tag);
    const label = (group) => (tags.length === 1 ? group : `${group}: ${tag}`);
    out.push(...withGroups(own, { tag, state, selection, settings, label, extra: { dash: dashOf(tag) } }));
  }
  markBand(el, out.some((line) => line.group), settings);
  return out;
}

function groupLine(name, agg, color, weight, settings, xKind = "step") {
  const { center, lower, upper } = bandOf(agg, settings.get("group_center"), settings.get("group_band"));
  const soft = (values) => (weight > 0 ? smooth(values, weight, agg.n) : values);
  return {
    name, color, x: xKind === "step" ? agg.step : agg[xKind], y: center, smooth: weight > 0 ? soft(center) : null, n: agg.n,
    lower: soft(lower), upper: soft(upper), group: true,
    spread: SPREAD_NAMES[settings.get("group_band")],
    countAt: (i) => agg.count[i], stepAt: (i) => agg.step[i], wallAt: (i) => (agg.wall ? agg.wall[i] : NaN),
  };
}

// -- hparams table ------------------------------------------------------------------------------

// The hparams table's group rows (before the sessions): per group its colour, name and member
// count, mean ± std (n) of each shown metric column, blank hparam columns. `groups` as the
// kernel sends them ([{name, members, metrics: {metric: [mean, std, n]}}]); `columns` the
// shown columns ({name, group: "hparam" | "metric"}); `trailing` the empty cells after them.
export function sessionGroupRows(groups, columns, color, trailing = 3) {
  const cell = (text, right) => h("td", { text, style: { padding: "1px 6px", textAlign: right ? "right" : "left", whiteSpace: "nowrap" } });
  const metricText = (stats) => {
    if (!stats || stats[0] === null) return "";
    const [mean, std, n] = stats;
    return `${formatNumber(mean)}${std === null ? "" : ` ± ${formatNumber(std)}`} (n=${n})`;
  };
  return (groups || []).map(({ name, members, metrics }) => h("tr", {
    class: "jtb-session-group", "data-jtb-session-group": name, title: members.join("\n"),
  }, [
    h("td", { style: { padding: "1px 6px", whiteSpace: "nowrap", fontWeight: "600" } }, [
      h("span", { class: "jtb-swatch", style: { background: color(name), marginRight: "4px" } }),
      `${name} (${members.length} runs)`,
    ]),
    ...columns.map((c) => cell(c.group === "metric" ? metricText(metrics[c.name]) : "", true)),
    ...Array.from({ length: trailing }, () => cell("")),
  ]));
}
