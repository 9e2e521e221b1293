// Tiny DOM helpers. User text (tags, run names, any logged string) only ever goes through
// textContent or setAttribute here: never innerHTML.
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A regex from user input, or null when empty; invalid patterns match literally.
export function userRegex(text) {
  if (!text) return null;
  try {
    return new RegExp(text);
  } catch {
    return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
}

// Tags grouped by their first "/" segment, groups and tags in sorted order.
export function groupTags(tags) {
  const groups = new Map();
  for (const tag of [...tags].sort()) {
    const slash = tag.indexOf("/");
    const name = slash > 0 ? tag.slice(0, slash) : tag;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(tag);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

// Collapsible sections of cards, one per tag group, keeping cards and open/closed state
// across updates. makeCard(tag) -> {el, ...}; returns {update(tags), cards: Map}.
// One collapsible section of a tag group: {el, body (its cards go here), count (the tag count)}.
export function tagSection(name) {
  const body = h("div", { class: "jtb-cards" });
  const count = h("span", { class: "jtb-count" });
  const el = h("details", { class: "jtb-section", open: true, "data-jtb-section": name }, [
    h("summary", { class: "jtb-section-title" }, [h("span", { text: name }), count]),
    body,
  ]);
  return { el, body, count };
}

export function tagSections(container, makeCard, dropCard = () => {}) {
  const sections = new Map();
  const cards = new Map();
  function update(tags) {
    const groups = groupTags(tags);
    const keep = new Set(tags);
    for (const [tag, card] of cards) {
      if (!keep.has(tag)) { card.el.remove(); dropCard(card); cards.delete(tag); }
    }
    const seen = new Set();
    for (const [name, groupTagsList] of groups) {
      seen.add(name);
      let section = sections.get(name);
      if (!section) {
        section = tagSection(name);
        sections.set(name, section);
      }
      container.append(section.el); // keeps sections sorted
      section.count.textContent = String(groupTagsList.length);
      for (const tag of groupTagsList) {
        let card = cards.get(tag);
        if (!card) { card = makeCard(tag); cards.set(tag, card); }
        section.body.append(card.el);
      }
    }
    for (const [name, section] of sections) {
      if (!seen.has(name)) { section.el.remove(); sections.delete(name); }
    }
  }
  return { update, cards };
}

// The smoothing control of the scalar views: a 0..0.999 range input and its value.
//   const control = smoothingSlider(weight, (weight) => ...); control.el; control.show(weight)
export function smoothingSlider(weight, onInput) {
  const slider = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", value: String(weight), "data-jtb-smoothing": "", class: "jtb-slider" });
  const value = h("span", { class: "jtb-value", "data-jtb-smoothing-value": "", text: weight.toFixed(3) });
  slider.addEventListener("input", () => {
    const next = Number(slider.value);
    value.textContent = next.toFixed(3);
    onInput(next);
  });
  const show = (next) => { slider.value = String(next); value.textContent = next.toFixed(3); };
  return { el: h("label", { class: "jtb-control" }, [h("span", { text: "Smoothing" }), slider, value]), slider, show };
}

// Save `data` (a string or bytes) as a download named `filename`.
export function downloadFile(data, filename, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = h("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
