// lib/markdown.js: user text reaches the DOM only as sanitised markdown that runs nothing and
// fetches nothing (the page must stay offline whatever a logged string says).
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { renderMarkdown } from "../src/lib/markdown.js";

const { window } = new JSDOM("<!doctype html><body></body>");

function render(text) {
  const el = window.document.createElement("div");
  renderMarkdown(el, text);
  return el;
}

// Every way the rendered DOM could make a browser load something (or run script).
const RESOURCE_TAGS = new Set(["IMAGE", "LINK", "IFRAME", "FRAME", "OBJECT", "EMBED", "VIDEO", "AUDIO", "SOURCE",
  "TRACK", "SVG", "MATH", "INPUT", "BUTTON", "FORM", "META", "BASE", "STYLE", "SCRIPT", "PICTURE", "PORTAL"]);
const RESOURCE_ATTRS = new Set(["style", "srcset", "poster", "background", "ping", "formaction", "action", "data",
  "xlink:href", "lowsrc", "dynsrc", "codebase", "manifest", "imagesrcset"]);
function fetchers(root) {
  const found = [];
  for (const node of root.querySelectorAll("*")) {
    if (RESOURCE_TAGS.has(node.tagName.toUpperCase())) found.push(`<${node.tagName}>`);
    for (const { name, value } of node.attributes) {
      if (RESOURCE_ATTRS.has(name) || name.startsWith("on")) found.push(`${node.tagName} ${name}`);
      else if (name === "src" && !(node.tagName === "IMG" && value.startsWith("data:image/"))) found.push(`${node.tagName} src=${value}`);
      else if (name === "href" && (node.tagName !== "A" || /^\s*javascript:/i.test(value))) found.push(`${node.tagName} href=${value}`);
      else if (/url\s*\(/i.test(value)) found.push(`${node.tagName} ${name}=${value}`);
    }
  }
  return found;
}

const VECTORS = {
  "img src": '<img src="http://evil.test/a.png">',
  "img srcset": '<img src="data:image/png;base64,iVBORw0KGgo=" srcset="http://evil.test/a.png 2x">',
  "style url()": '<div style="background:url(http://evil.test/a.png)">styled</div>',
  "style image-set": "<span style=\"background-image:image-set('http://evil.test/a.png' 1x)\">s</span>",
  "video poster": '<video poster="http://evil.test/p.png" controls></video>',
  "video src": '<video src="http://evil.test/v.mp4"></video>',
  "audio src": '<audio src="http://evil.test/a.mp3" autoplay></audio>',
  "source src": '<video><source src="http://evil.test/v.mp4" type="video/mp4"></video>',
  "picture srcset": '<picture><source srcset="http://evil.test/a.webp"><img src="data:image/png;base64,AA=="></picture>',
  "track src": '<video><track src="http://evil.test/t.vtt"></video>',
  link: '<link rel="stylesheet" href="http://evil.test/s.css"><link rel="prefetch" href="http://evil.test/p">',
  iframe: '<iframe src="http://evil.test/"></iframe><iframe srcdoc="<img src=http://evil.test/x>"></iframe>',
  object: '<object data="http://evil.test/o.swf"></object>',
  embed: '<embed src="http://evil.test/e.swf">',
  "svg image href": '<svg><image href="http://evil.test/i.png"></image><image xlink:href="http://evil.test/j.png"></image></svg>',
  "svg use": '<svg><use href="http://evil.test/s.svg#x"></use></svg>',
  "input formaction": '<form><input type="submit" formaction="http://evil.test/"><input type="image" src="http://evil.test/i.png"></form>',
  "button formaction": '<button formaction="http://evil.test/">go</button>',
  "markdown image": "![a picture](http://evil.test/md.png)",
  "markdown reference image": "![pic][r]\n\n[r]: http://evil.test/ref.png",
  "table background": '<table background="http://evil.test/t.png"><tr><td background="http://evil.test/td.png">c</td></tr></table>',
  "a ping": '<a href="https://example.org/" ping="http://evil.test/ping">p</a>',
  base: '<base href="http://evil.test/">',
  "meta refresh": '<meta http-equiv="refresh" content="0;url=http://evil.test/">',
  "style tag": "<style>@import url(http://evil.test/s.css); body{background:url(http://evil.test/b.png)}</style>",
  "math mglyph": '<math><mglyph src="http://evil.test/g.png"></mglyph></math>',
  "protocol-relative img": '<img src="//evil.test/a.png">',
  "javascript link": "[click](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(2)\">x</a> <a href=\"java&#x09;script:alert(3)\">y</a>",
  "event handlers": '<img src=x onerror="window.pwned=1"><div onmouseover="window.pwned=2">d</div>',
  script: "<script>window.pwned = 3</script>",
  // the strings that reached the network in JupyterLab before (issue 9), relative URLs too
  "style background url(/x)": '<div style="background:url(/x)">b</div>',
  "style background-image": "<p style=\"background-image: url('http://evil.test/bgi.png')\">p</p>",
  "style content url": '<span style="content:url(http://evil.test/content.png)">c</span>',
  "img srcset alone": '<img srcset="http://evil.test/s1.png 1x, /x 2x">',
  "video poster relative": '<video poster="/x"></video>',
  "style in markdown html block": '<div style="border-image: url(http://evil.test/border.png) 30">\n\n**md**\n\n</div>',
  "img longdesc and usemap": '<img alt="a" longdesc="http://evil.test/l" usemap="#m">',
  "q cite": '<q cite="http://evil.test/c">quote</q>',
};

for (const [name, text] of Object.entries(VECTORS)) {
  test(`sanitiser fetches nothing: ${name}`, () => {
    const el = render(text);
    assert.deepEqual(fetchers(el), []);
    assert.doesNotMatch(el.innerHTML, /evil\.test|javascript:/i);
  });
}

test("markdown still renders: emphasis, tables, code, lists", () => {
  const el = render("**bold 3** and *em*\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\n```js\nlet x = 1;\n```\n\n1. one\n2. two");
  assert.equal(el.querySelector("strong").textContent, "bold 3");
  assert.equal(el.querySelector("em").textContent, "em");
  assert.equal(el.querySelectorAll("table td").length, 2);
  assert.equal(el.querySelector("th").getAttribute("align"), "center");
  assert.equal(el.querySelector("pre code").className, "language-js");
  assert.equal(el.querySelectorAll("ol li").length, 2);
});

test("inline data images keep their src", () => {
  const src = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const el = render(`![dot](${src}) <img alt="raw" src="${src}">`);
  const imgs = el.querySelectorAll("img");
  assert.equal(imgs.length, 2);
  for (const img of imgs) assert.equal(img.getAttribute("src"), src);
  assert.equal(imgs[0].getAttribute("alt"), "dot");
});

test("links keep safe hrefs and open in a new tab without an opener", () => {
  const el = render("[docs](https://example.org/x) <a href=\"mailto:a@example.org\">mail</a>");
  const [a, b] = el.querySelectorAll("a");
  assert.equal(a.getAttribute("href"), "https://example.org/x");
  assert.equal(a.getAttribute("target"), "_blank");
  assert.equal(a.getAttribute("rel"), "noopener noreferrer");
  assert.equal(b.getAttribute("href"), "mailto:a@example.org");
});

test("classes other than code languages and data-* attributes are dropped", () => {
  const el = render('<div class="jp-Dialog jtb-card" data-jtb-run="spoof">x</div>');
  const div = el.querySelector("div");
  assert.equal(div.getAttribute("class"), null);
  assert.equal(div.getAttribute("data-jtb-run"), null);
  assert.equal(div.textContent, "x");
});

test("text of removed tags stays readable", () => {
  const el = render("<center>centred text</center><button>label</button>");
  assert.match(el.textContent, /centred text/);
  assert.match(el.textContent, /label/);
});

test("no inline style survives: no position:fixed overlay over the notebook", () => {
  const el = render('<div style="position:fixed;inset:0;z-index:2147483647;background:red">overlay</div>' +
    '<span style="position: fixed; top: 0">top</span>\n\n<p style="all: unset">p</p>');
  assert.equal(el.querySelectorAll("[style]").length, 0);
  assert.match(el.textContent, /overlay/);
  assert.doesNotMatch(el.innerHTML, /fixed|style=/i);
});
