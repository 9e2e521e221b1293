// A sortable, searchable table over columnar data (arrays or typed arrays of equal length).
// Knows nothing of widgets. User text (names) reaches the DOM through textContent only.
//
//   const table = createDataTable(el, { columns: [{key, label, format?, numeric?}], rowAttr?, onRowClick? });
//   table.update(data, {search?}); table.setSearch(text); table.destroy();
//
// Rows beyond `limit` (after search and sort) are not built; the footer says how many.
import { h, userRegex } from "./dom.js";

// Row order for `data` sorted by column `key` (descending when `desc`), keeping only rows
// whose `searchKey` text matches `pattern` (a RegExp or null).
export function tableOrder(data, key, desc, searchKey, pattern) {
  const values = data[key];
  const n = values ? values.length : 0;
  const rows = [];
  for (let i = 0; i < n; i++) if (!pattern || pattern.test(String(data[searchKey][i]))) rows.push(i);
  const numeric = typeof values?.[0] === "number";
  rows.sort((a, b) => {
    const va = values[a], vb = values[b];
    const c = numeric ? va - vb : String(va).localeCompare(String(vb));
    return desc ? -c : c;
  });
  return rows;
}

export function createDataTable(el, { columns, rowAttr = null, onRowClick = null, limit = 500, searchKey = "name", sortKey = null } = {}) {
  const search = h("input", { class: "jtb-input", type: "search", placeholder: "search (regex)", "data-jtb-table-search": "" });
  const table = h("table", { class: "jtb-datatable" });
  const footer = h("div", { class: "jtb-progress" });
  const wrap = h("div", { class: "jtb-datatable-wrap" }, [table]);
  el.append(h("div", { class: "jtb-toolbar" }, [search]), wrap, footer);
  let data = null;
  let sort = { key: sortKey || columns[1]?.key || columns[0].key, desc: true };
  let selected = null;

  function header() {
    return h("thead", {}, [h("tr", {}, columns.map((col) => {
      const arrow = sort.key === col.key ? (sort.desc ? " ▼" : " ▲") : "";
      return h("th", {
        text: col.label + arrow,
        class: col.numeric ? "jtb-num" : "",
        "data-jtb-sort": col.key,
        onclick: () => {
          sort = { key: col.key, desc: sort.key === col.key ? !sort.desc : !!col.numeric };
          render();
        },
      });
    }))]);
  }

  function render() {
    if (!data) { table.replaceChildren(); footer.textContent = ""; return; }
    const rows = tableOrder(data, sort.key, sort.desc, searchKey, userRegex(search.value));
    const body = h("tbody");
    for (const i of rows.slice(0, limit)) {
      const tr = h("tr", rowAttr ? rowAttr(data, i) : {});
      if (selected !== null && data[searchKey][i] === selected) tr.classList.add("jtb-selected");
      for (const col of columns) {
        const v = data[col.key][i];
        tr.append(h("td", { class: col.numeric ? "jtb-num" : "", text: col.format ? col.format(v) : String(v) }));
      }
      if (onRowClick) tr.addEventListener("click", () => onRowClick(data, i));
      body.append(tr);
    }
    table.replaceChildren(header(), body);
    footer.textContent = rows.length > limit ? `${limit} of ${rows.length} rows shown (search to narrow)` : `${rows.length} rows`;
  }

  search.addEventListener("input", render);
  return {
    update(next) { data = next; render(); },
    select(value) { selected = value; render(); },
    setSearch(text) { search.value = text; render(); },
    destroy() { el.replaceChildren(); },
  };
}
