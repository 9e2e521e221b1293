// Alerts on the board: the dashboard's `alerts` trait (found on the reader thread by
// jupyter_tb/widgets/alert_monitor.py) shown as a head button with a list, and as badges on
// the runs table rows, the tabs and the chart cards they concern.
//
// Badges are placed by looking the hooks up in the board's DOM ([data-jtb-run], [data-jtb-tab],
// [data-jtb-chart]) and re-placed when those re-render (a MutationObserver), so the runs table
// and the cards need no knowledge of alerts. Cleared alerts stay in the list, greyed.
import { h } from "./dom.js";

const RULE_LABELS = { nan: "NaN / inf", diverging: "diverging", plateau: "plateau", stalled: "stalled" };

// {active, byRun: Map(run -> active count), byTag: Map(tag -> active count)}
export function alertCounts(alerts) {
  const byRun = new Map();
  const byTag = new Map();
  let active = 0;
  for (const alert of alerts) {
    if (!alert.active) continue;
    active += 1;
    byRun.set(alert.run, (byRun.get(alert.run) || 0) + 1);
    if (alert.tag) byTag.set(alert.tag, (byTag.get(alert.tag) || 0) + 1);
  }
  return { active, byRun, byTag };
}

export function formatWallTime(seconds) {
  if (!Number.isFinite(seconds)) return "";
  const date = new Date(seconds * 1000);
  return date.toLocaleString(undefined, { hour12: false });
}

function alertRow(alert, index, onJump) {
  const where = alert.tag ? `${alert.run} · ${alert.tag}` : alert.run;
  const row = h("button", {
    type: "button", class: `jtb-alert${alert.active ? "" : " jtb-alert-cleared"}`,
    "data-jtb-alert": String(index), "data-jtb-alert-active": String(Boolean(alert.active)),
    title: alert.active ? "Show this chart at the alert's step" : "Cleared: the condition ended",
  }, [
    h("span", { class: "jtb-alert-rule", text: RULE_LABELS[alert.rule] || alert.rule }),
    h("span", { class: "jtb-alert-where", text: where }),
    h("span", { class: "jtb-alert-step", text: `step ${alert.step}` }),
    h("span", { class: "jtb-alert-time", text: formatWallTime(alert.wall_time) }),
    h("span", { class: "jtb-alert-message", text: alert.message }),
  ]);
  row.addEventListener("click", () => onJump(alert));
  return row;
}

// model: the dashboard's model; root: the board's root element (badges are placed inside it);
// onJump(alert): show the alert's card. Returns {button, panel, destroy}.
export function createAlerts(model, root, { onJump }) {
  const button = h("button", {
    type: "button", class: "jtb-button jtb-alerts-toggle", "data-jtb-alerts-toggle": "",
    "aria-expanded": "false", hidden: true,
  });
  const list = h("div", { class: "jtb-alert-list", role: "list" });
  const panel = h("div", { class: "jtb-alerts", "data-jtb-alerts": "", hidden: true }, [
    h("div", { class: "jtb-alerts-title", text: "Alerts" }), list,
  ]);
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
  });

  let counts = alertCounts([]);
  function render() {
    const alerts = model.get("alerts") || [];
    counts = alertCounts(alerts);
    button.hidden = alerts.length === 0;
    button.textContent = counts.active ? `⚠ ${counts.active} alert${counts.active === 1 ? "" : "s"}` : `alerts (${alerts.length} cleared)`;
    button.classList.toggle("jtb-alerts-active", counts.active > 0);
    // newest first: the one that just happened is what the user came for
    list.replaceChildren(...alerts.map((alert, i) => alertRow(alert, i, onJump)).reverse());
    placeBadges();
  }

  let placing = false;
  function placeBadges() {
    placing = true;
    for (const old of root.querySelectorAll("[data-jtb-alert-badge]")) old.remove();
    const badge = (count, label) => h("span", {
      class: "jtb-alert-badge", "data-jtb-alert-badge": "", text: `⚠${count > 1 ? count : ""}`,
      title: label, "aria-label": label,
    });
    for (const row of root.querySelectorAll("[data-jtb-run]")) {
      const n = counts.byRun.get(row.getAttribute("data-jtb-run"));
      if (n) row.append(badge(n, `${n} active alert${n === 1 ? "" : "s"} on this run`));
    }
    let onScalars = 0;
    for (const [tag, n] of counts.byTag) {
      onScalars += n;
      for (const card of root.querySelectorAll(`[data-jtb-chart="${CSS.escape(tag)}"]`)) {
        (card.querySelector(".jtb-card-title, .jtb-card-head") || card).append(badge(n, `${n} active alert${n === 1 ? "" : "s"} on ${tag}`));
      }
    }
    const tab = root.querySelector('[data-jtb-tab="scalars"]');
    if (tab && onScalars) tab.append(badge(onScalars, `${onScalars} active alert${onScalars === 1 ? "" : "s"} on scalars`));
    placing = false;
  }

  // the runs table and the cards re-render on their own: put the badges back after them
  let scheduled = 0;
  const observer = new MutationObserver(() => {
    if (placing || scheduled) return;
    scheduled = requestAnimationFrame(() => { scheduled = 0; placeBadges(); });
  });
  observer.observe(root, { childList: true, subtree: true });
  model.on("change:alerts", render);
  render();
  return {
    button, panel,
    destroy() {
      observer.disconnect();
      cancelAnimationFrame(scheduled);
      model.off("change:alerts", render);
    },
  };
}

// Show the alert's card: its tab, the run ticked, scrolled into view and marked with the step.
export function jumpToAlert(root, alert, { activate, selection }) {
  if (!alert.tag) return; // a stalled run: nothing to show but its row in the runs table
  activate("scalars");
  if (selection && !selection.isSelected(alert.run)) selection.toggle(alert.run, true);
  requestAnimationFrame(() => {
    const card = root.querySelector(`[data-jtb-chart="${CSS.escape(alert.tag)}"]`);
    if (!card) return;
    card.scrollIntoView({ block: "center", behavior: "smooth" });
    for (const old of root.querySelectorAll("[data-jtb-alert-mark]")) old.remove();
    card.setAttribute("data-jtb-alert-marked", String(alert.step));
    card.append(h("div", {
      class: "jtb-alert-mark", "data-jtb-alert-mark": String(alert.step),
      text: `⚠ ${RULE_LABELS[alert.rule] || alert.rule} on ${alert.run} at step ${alert.step}`,
    }));
  });
}
