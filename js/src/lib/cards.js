// The card grid every tagged view shows its tags in (scalars, images, histograms, PR curves...):
// one card per shown tag, grouped in collapsible sections by the first "/" segment, in a
// responsive grid, with a "Pinned" section at the top, and on every card a pin, an expand
// (full width) and a full-screen button. Cards off screen are not drawn until scrolled to.
//
//   import { showTagCards } from "../lib/cards.js";
//   const grid = showTagCards(ctx, container, empty, {
//     makeCard(tag) -> card,   // card = {el, ...anything}; el has class "jtb-card" and, ideally,
//                              //   a ".jtb-card-head" child: the grid adds its buttons there
//                              //   (or makes one). Called once per tag while it stays shown.
//     drawCard(card),          // draw the card from ctx.state; called only while the card is
//                              //   on screen (or near it), at most once per animation frame,
//                              //   after kernel messages and selection, settings or theme changes
//     dropCard?(card),         // the tag went away / the view closes: free what makeCard made
//     byTag?: false,           // true: a kernel message with a `tag` redraws only that tag's
//                              //   card (else every message redraws every visible card)
//     lazy?: true,             // false: draw every card, on screen or not
//   });
//   ctx.showTagCards(container, empty, {...}) is the same call (js/src/host.js).
//
// Returns grid = {
//   cards,              // Map tag -> card; the grid sets card.tag and card.grid = {visible,
//                       //   pinned, buttons: {pin, expand, fullscreen}} (leave card.grid to it)
//   sections,           // {cards} (the same Map; older callers read sections.cards)
//   schedule(tag?),     // redraw the card of `tag` (or re-list tags and redraw all) next frame
//   redrawNow(),        // re-list tags and draw the visible cards now
//   pinned(),           // the pinned tags, in pin order
//   setPinned(tag, on), // pin or unpin (written to the model's `pinned` trait)
// }
// Pins live in the view model's `pinned` trait (list of tags, two-way: Python reads and sets
// it). Columns are at least ctx.settings' `card_width` px wide (the settings panel's
// [data-jtb-card-width] slider; lib/shell.js sets the CSS variable), as many as fit.
//
// Every card showing a chart or an image also gets a download menu (PNG / SVG of what it shows:
// lib/cardexport.js), hidden on cards with nothing to draw (text, audio). Cards made outside
// the grid get it with addDownloadMenu(cardEl, title).
//
// DOM hooks: [data-jtb-card="<tag>"] (every card), [data-jtb-pin] / [data-jtb-expand] /
// [data-jtb-fullscreen] (buttons on a card, aria-pressed="true" when on), [data-jtb-pinned]
// (the pinned section), [data-jtb-section="<group>"], [data-jtb-download] (the download menu's
// button, aria-expanded) and its items [data-jtb-download-png] / [data-jtb-download-svg].
import { downloadCardPng, downloadCardSvg, hasPicture } from "./cardexport.js";
import { groupTags, h, tagSection } from "./dom.js";
import { onThemeChange } from "./theme.js";

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  pin: "M9 2h6v2l-1 1v5l3 3v2h-4v6l-1 1-1-1v-6H7v-2l3-3V5L9 4z",
  expand: "M3 9V3h6v2H6.4l4 4L9 10.4l-4-4V9zm18 6v6h-6v-2h2.6l-4-4 1.4-1.4 4 4V15z",
  fullscreen: "M3 3h7v2H5v5H3zm11 0h7v7h-2V5h-5zM3 14h2v5h5v2H3zm16 0h2v7h-7v-2h5z",
  download: "M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3zM4 18h16v2H4z",
};

function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

function iconButton(name, label, onClick, attrs = {}) {
  const button = h("button", {
    class: "jtb-icon-button", type: "button", title: label, "aria-label": label, [`data-jtb-${name}`]: "", ...attrs,
  }, [icon(name)]);
  button.addEventListener("click", (event) => { event.stopPropagation(); onClick(); });
  return button;
}
const toggleButton = (name, label, onClick) => iconButton(name, label, onClick, { "aria-pressed": "false" });

// The card's download menu: one button opening "PNG" / "SVG" (the card head stays tidy).
// title() is read when a download is chosen. Returns the element holding button and menu.
function downloadMenu(cardEl, title) {
  const items = [["png", "PNG image", downloadCardPng], ["svg", "SVG (vector)", downloadCardSvg]].map(([format, text, save]) => {
    const item = h("button", { class: "jtb-menu-item", type: "button", role: "menuitem", [`data-jtb-download-${format}`]: "", text });
    item.addEventListener("click", (event) => {
      event.stopPropagation();
      close();
      Promise.resolve().then(() => save(cardEl, title())).catch((error) => console.warn(`jupyter-tb: ${format} download failed`, error));
    });
    return item;
  });
  const menu = h("div", { class: "jtb-menu", role: "menu", hidden: true }, items);
  const button = iconButton("download", "Download as PNG or SVG", () => (menu.hidden ? open() : close()), { "aria-haspopup": "menu", "aria-expanded": "false" });
  const onOutside = (event) => { if (!anchor.contains(event.target)) close(); };
  function open() {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", onOutside, true);
    items[0].focus();
  }
  function close() {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onOutside, true);
  }
  const anchor = h("span", { class: "jtb-menu-anchor" }, [button, menu]);
  anchor.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !menu.hidden) { event.stopPropagation(); close(); button.focus(); }
  });
  anchor.jtbClose = close;
  return anchor;
}

// The download menu on a card made outside the grid (custom scalars; hparams: session charts,
// parallel coordinates, scatter matrix).
export function addDownloadMenu(cardEl, title) {
  const head = cardEl.querySelector(".jtb-card-head") || cardEl;
  let buttons = head.querySelector(".jtb-card-buttons");
  if (!buttons) { buttons = h("span", { class: "jtb-card-buttons" }); head.append(buttons); }
  const menu = downloadMenu(cardEl, () => title);
  buttons.prepend(menu);
  return menu;
}

const pressed = (button, on) => button.setAttribute("aria-pressed", on ? "true" : "false");

export function showTagCards(ctx, container, empty, { makeCard, drawCard, dropCard = () => {}, byTag = false, lazy = true }) {
  const { model, selection, state } = ctx;
  const cards = new Map();
  const sections = new Map(); // group -> {el, body, count}
  const cleanups = [];

  // -- layout: [Pinned] [group sections...] ----------------------------------------------------------
  const pinnedBody = h("div", { class: "jtb-cards" });
  const pinnedEl = h("section", { class: "jtb-section jtb-pinned", "data-jtb-pinned": "", style: { display: "none" } }, [
    h("div", { class: "jtb-section-title" }, [h("span", { text: "Pinned" })]),
    pinnedBody,
  ]);
  const groupsEl = h("div", { class: "jtb-groups" });
  const root = h("div", { class: "jtb-grid" }, [pinnedEl, groupsEl]);
  container.append(root);

  // -- pins (the model's `pinned` trait) -----------------------------------------------------------
  let pins = [...(model.get("pinned") || [])];
  function setPinned(tag, on) {
    pins = pins.filter((t) => t !== tag);
    if (on) pins.push(tag);
    model.set("pinned", [...pins]);
    model.save_changes();
    place();
  }
  const onPinnedChange = () => { pins = [...(model.get("pinned") || [])]; place(); };
  model.on("change:pinned", onPinnedChange);
  cleanups.push(() => model.off("change:pinned", onPinnedChange));

  // -- expand / full screen: the Fullscreen API, or a fixed overlay where it is refused (an
  // iframe without allowfullscreen); Esc leaves either --------------------------------------------
  let fullscreen = null;
  function setFullscreen(card, on) {
    if (on && fullscreen && fullscreen !== card) setFullscreen(fullscreen, false);
    card.el.classList.toggle("jtb-card-fullscreen", on);
    pressed(card.grid.buttons.fullscreen, on);
    if (on) {
      fullscreen = card;
      const overlay = () => card.el.classList.add("jtb-card-overlay");
      if (card.el.requestFullscreen) card.el.requestFullscreen().catch(overlay); else overlay();
      return;
    }
    card.el.classList.remove("jtb-card-overlay");
    if (fullscreen === card) fullscreen = null;
    if (document.fullscreenElement === card.el) document.exitFullscreen().catch(() => {});
  }
  const onKey = (event) => { if (event.key === "Escape" && fullscreen) { event.stopPropagation(); setFullscreen(fullscreen, false); } };
  const onFullscreenChange = () => {
    const card = fullscreen;
    if (card && document.fullscreenElement !== card.el && !card.el.classList.contains("jtb-card-overlay")) setFullscreen(card, false);
  };
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("fullscreenchange", onFullscreenChange);
  cleanups.push(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("fullscreenchange", onFullscreenChange);
    if (fullscreen) setFullscreen(fullscreen, false);
  });

  function decorate(card, tag) {
    card.tag = tag;
    card.el.classList.add("jtb-card");
    card.el.setAttribute("data-jtb-card", tag);
    let head = card.el.querySelector(".jtb-card-head");
    if (!head) {
      head = h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]);
      card.el.prepend(head);
    }
    card.grid = { visible: !lazy, dirty: true, pinned: false };
    card.grid.buttons = {
      pin: toggleButton("pin", "Pin card", () => setPinned(tag, !pins.includes(tag))),
      expand: toggleButton("expand", "Full width", () => {
        const on = !card.el.classList.contains("jtb-card-expanded");
        card.el.classList.toggle("jtb-card-expanded", on);
        pressed(card.grid.buttons.expand, on);
      }),
      fullscreen: toggleButton("fullscreen", "Full screen (Esc leaves)", () => setFullscreen(card, fullscreen !== card)),
    };
    card.grid.download = downloadMenu(card.el, () => tag);
    card.grid.download.hidden = true; // until something drawable is drawn
    head.append(h("span", { class: "jtb-card-buttons" }, [card.grid.download, ...Object.values(card.grid.buttons)]));
    if (observer) observer.observe(card.el);
    return card;
  }

  // -- drawing only what is on screen --------------------------------------------------------------
  function draw(card) {
    if (!card.grid.visible) { card.grid.dirty = true; return; }
    card.grid.dirty = false;
    drawCard(card);
    card.grid.download.hidden = !hasPicture(card.el);
  }
  const byElement = new WeakMap();
  const observer = lazy && typeof IntersectionObserver !== "undefined"
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const card = byElement.get(entry.target);
        if (!card) continue;
        card.grid.visible = entry.isIntersecting;
        if (card.grid.visible && card.grid.dirty) draw(card);
      }
    }, { rootMargin: "300px" })
    : null;
  if (!observer) lazy = false;

  // -- listing tags ------------------------------------------------------------------------------
  let shown = [];
  function markPinned(card, on) {
    card.grid.pinned = on;
    pressed(card.grid.buttons.pin, on);
    return card;
  }
  function place() {
    const groups = groupTags(shown.filter((tag) => !pins.includes(tag)));
    const seen = new Set();
    for (const [name, tags] of groups) {
      seen.add(name);
      let section = sections.get(name);
      if (!section) {
        section = tagSection(name);
        sections.set(name, section);
      }
      groupsEl.append(section.el); // keeps sections sorted
      section.count.textContent = String(tags.length);
      for (const tag of tags) section.body.append(markPinned(cards.get(tag), false).el);
    }
    for (const [name, section] of sections) {
      if (!seen.has(name)) { section.el.remove(); sections.delete(name); }
    }
    const pinnedShown = pins.filter((tag) => cards.has(tag));
    for (const tag of pinnedShown) pinnedBody.append(markPinned(cards.get(tag), true).el);
    pinnedEl.style.display = pinnedShown.length ? "" : "none";
  }

  function relist() {
    selection.setRuns(state.runs || []);
    shown = selection.shownTags(state.tags || {});
    if (empty) empty.style.display = shown.length ? "none" : "";
    const keep = new Set(shown);
    for (const [tag, card] of cards) {
      if (keep.has(tag)) continue;
      if (observer) observer.unobserve(card.el);
      if (fullscreen === card) setFullscreen(card, false);
      card.grid.download.jtbClose();
      card.el.remove();
      dropCard(card);
      cards.delete(tag);
    }
    for (const tag of shown) {
      if (cards.has(tag)) continue;
      const card = decorate(makeCard(tag), tag);
      byElement.set(card.el, card);
      cards.set(tag, card);
    }
    place();
  }

  function redrawNow() {
    relist();
    for (const card of cards.values()) draw(card);
  }

  // kernel messages touch a tag or two: with byTag only those cards are redrawn, once per frame
  let frame = 0;
  let everything = false;
  const changed = new Set();
  function schedule(tag) {
    if (tag === undefined) everything = true; else changed.add(tag);
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (everything) { everything = false; changed.clear(); redrawNow(); return; }
      for (const t of changed) { const card = cards.get(t); if (card) draw(card); }
      changed.clear();
    });
  }
  cleanups.push(
    ctx.onMessage((msg) => schedule(byTag && msg.tag !== undefined && cards.has(msg.tag) && msg.type !== "reset" && msg.type !== "catalog" ? msg.tag : undefined)),
    selection.subscribe(() => schedule()),
    ctx.settings.subscribe(() => schedule()),
    onThemeChange(() => schedule()),
    () => cancelAnimationFrame(frame),
    () => {
      if (observer) observer.disconnect();
      for (const card of cards.values()) dropCard(card);
      root.remove();
    },
  );
  redrawNow();

  return {
    cards,
    sections: { cards },
    schedule,
    redrawNow,
    pinned: () => [...pins],
    setPinned,
    destroy: () => { for (const fn of cleanups.splice(0)) fn(); },
  };
}
