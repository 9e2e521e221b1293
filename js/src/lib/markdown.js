// Markdown -> sanitised DOM. The only place user text becomes HTML: marked renders it,
// DOMPurify strips anything active (scripts, handlers, javascript: URLs), and images are
// limited to inline data so a logged string can never make the page fetch anything.
import DOMPurify from "dompurify";
import { marked } from "marked";

let hooked = false;
function purifier() {
  if (!hooked) {
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
      if (node.tagName === "IMG" && !/^data:image\//i.test(node.getAttribute("src") || "")) {
        node.removeAttribute("src");
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

// Fills `el` with the rendered markdown of `text`.
export function renderMarkdown(el, text) {
  const html = marked.parse(String(text), { async: false, gfm: true, breaks: false });
  el.innerHTML = purifier().sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button"] });
}
