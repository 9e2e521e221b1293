// Markdown -> sanitised DOM. The only place user text becomes HTML: marked renders it and
// DOMPurify keeps an allow-list of passive tags and attributes, so a logged string can never
// run code or make the page fetch anything:
//  - no resource tags (media, frames, objects, svg, math, link, style, forms) and no attribute
//    that names a resource (srcset, poster, background, ping, formaction…); no inline style at
//    all (url() in background, background-image, content, image-set…, and position:fixed
//    overlays over the notebook);
//  - an image keeps its src only when it is inline data (data:image/…);
//  - href only on links, with DOMPurify's safe schemes (never javascript:); links open in a
//    new tab without an opener.
import createDOMPurify from "dompurify";
import { marked } from "marked";

const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
  "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
  "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
  "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
  "var", "wbr",
];
const ALLOWED_ATTR = ["href", "src", "alt", "title", "class", "align", "start", "colspan", "rowspan", "open", "lang", "dir"];
// Never kept, whatever the lists above become: each names a resource (or, for style, can
// also cover the page: position:fixed overlays).
const FORBID_ATTR = ["style", "srcset", "imagesrcset", "poster", "background", "ping", "formaction", "action", "data",
  "xlink:href", "lowsrc", "dynsrc", "longdesc", "usemap", "cite"];
const FORBID_TAGS = ["style", "link", "meta", "base", "svg", "math", "picture", "source", "video", "audio", "track",
  "iframe", "frame", "object", "embed", "form", "input", "button", "image"];
const INLINE_IMAGE = /^data:image\//i;
const CODE_LANGUAGE = /^language-[\w+#.-]+$/; // the only class marked writes

function restrict(node) {
  if (node.hasAttribute("href") && node.tagName !== "A") node.removeAttribute("href");
  if (node.hasAttribute("src") && !(node.tagName === "IMG" && INLINE_IMAGE.test(node.getAttribute("src")))) {
    node.removeAttribute("src");
  }
  if (node.hasAttribute("class") && !(node.tagName === "CODE" && CODE_LANGUAGE.test(node.getAttribute("class")))) {
    node.removeAttribute("class");
  }
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
}

// One DOMPurify per window (the page's, or a test's DOM), hooked once.
const purifiers = new WeakMap();
function purifierFor(win) {
  let purify = purifiers.get(win);
  if (!purify) {
    purify = createDOMPurify(win);
    purify.addHook("afterSanitizeAttributes", restrict);
    purifiers.set(win, purify);
  }
  return purify;
}

// Fills `el` with the rendered, sanitised markdown of `text`.
export function renderMarkdown(el, text) {
  const html = marked.parse(String(text), { async: false, gfm: true, breaks: false });
  const fragment = purifierFor(el.ownerDocument.defaultView).sanitize(html, {
    ALLOWED_TAGS, ALLOWED_ATTR, FORBID_ATTR, FORBID_TAGS, ALLOW_DATA_ATTR: false, RETURN_DOM_FRAGMENT: true,
  });
  el.replaceChildren(fragment);
}
