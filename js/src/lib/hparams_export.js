// The hparams sessions table as text for downloading: CSV, JSON or a LaTeX tabular, built
// in the browser from what the table shows (its rows in order, its visible columns).
//
//   const text = exportSessions(format, { rows: [{run, status, cells: [value|string|null]}],
//                                         columns: [{name, group}] });
// Numbers keep full precision (String(v)); a missing value is empty (CSV, LaTeX) or null (JSON).

export const FORMATS = {
  csv: { extension: "csv", mime: "text/csv" },
  json: { extension: "json", mime: "application/json" },
  latex: { extension: "tex", mime: "application/x-tex" },
};

function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const LATEX_SPECIAL = { "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", $: "\\$", "#": "\\#", _: "\\_", "{": "\\{", "}": "\\}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}" };
function latexText(value) {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIAL[c]);
}

export function exportSessions(format, { rows, columns }) {
  const names = ["run", ...columns.map((c) => c.name), "status"];
  const cells = rows.map((row) => [row.run, ...row.cells, row.status]);
  if (format === "csv") {
    return [names, ...cells].map((line) => line.map(csvField).join(",")).join("\n") + "\n";
  }
  if (format === "json") {
    const sessions = rows.map((row) => ({
      run: row.run,
      status: row.status,
      hparams: Object.fromEntries(columns.map((c, k) => [c, row.cells[k]]).filter(([c]) => c.group === "hparam").map(([c, v]) => [c.name, v])),
      metrics: Object.fromEntries(columns.map((c, k) => [c, row.cells[k]]).filter(([c]) => c.group === "metric").map(([c, v]) => [c.name, v])),
    }));
    return JSON.stringify(sessions, null, 2) + "\n";
  }
  if (format === "latex") {
    const align = ["l", ...columns.map((c) => (c.kind === "number" ? "r" : "l")), "l"].join("");
    const line = (parts) => `  ${parts.map(latexText).join(" & ")} \\\\`;
    return [`\\begin{tabular}{${align}}`, "  \\hline", line(names), "  \\hline", ...cells.map(line), "  \\hline", "\\end{tabular}", ""].join("\n");
  }
  throw new Error(`unknown format ${JSON.stringify(format)}`);
}
