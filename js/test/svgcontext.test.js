// lib/svgcontext.js: canvas drawing calls become SVG elements (parsed back with jsdom's XML parser).
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { createSvgContext, escapeXml, parseFont, splitColor } from "../src/lib/svgcontext.js";
import { traceColumns } from "../src/lib/linechart/trace.js";
import { drawAxes } from "../src/lib/canvas.js";
import { fileStem } from "../src/lib/cardexport.js";

const { window } = new JSDOM("");
function parse(text) {
  const doc = new window.DOMParser().parseFromString(text, "image/svg+xml");
  assert.equal(doc.getElementsByTagName("parsererror").length, 0, text);
  return doc.documentElement;
}

test("a stroked path becomes one <path> with its points, colour, width and dash", () => {
  const g = createSvgContext(200, 100);
  g.strokeStyle = "#ff0000";
  g.lineWidth = 2;
  g.setLineDash([4, 2]);
  g.beginPath(); g.moveTo(10, 20); g.lineTo(30, 40); g.lineTo(50, 20.123); g.stroke();
  const svg = parse(g.toSVG());
  assert.equal(svg.getAttribute("width"), "200");
  assert.equal(svg.getAttribute("viewBox"), "0 0 200 100");
  const paths = svg.getElementsByTagName("path");
  assert.equal(paths.length, 1);
  const p = paths[0];
  assert.equal(p.getAttribute("d"), "M10 20L30 40L50 20.12");
  assert.equal(p.getAttribute("stroke"), "#ff0000");
  assert.equal(p.getAttribute("fill"), "none");
  assert.equal(p.getAttribute("stroke-width"), "2");
  assert.equal(p.getAttribute("stroke-dasharray"), "4 2");
});

test("paths follow the transform; fills carry rgba alpha times globalAlpha as an opacity", () => {
  const g = createSvgContext(100, 100);
  g.save();
  g.translate(10, 5);
  g.scale(2, 2);
  g.fillStyle = "rgba(0, 128, 255, 0.5)";
  g.globalAlpha = 0.5;
  g.beginPath(); g.rect(1, 1, 4, 3); g.fill();
  g.restore();
  g.fillRect(0, 0, 1, 1); // restored: no transform, opaque black
  const [rect, dot] = parse(g.toSVG()).getElementsByTagName("path");
  assert.equal(rect.getAttribute("d"), "M12 7L20 7L20 13L12 13Z");
  assert.equal(rect.getAttribute("fill"), "rgb(0,128,255)");
  assert.equal(rect.getAttribute("fill-opacity"), "0.25");
  assert.equal(dot.getAttribute("d"), "M0 0L1 0L1 1L0 1Z");
  assert.equal(dot.getAttribute("fill"), "#000");
  assert.equal(dot.getAttribute("fill-opacity"), null);
});

test("an empty path or one of moves only draws nothing; clearRect draws nothing", () => {
  const g = createSvgContext(10, 10);
  g.beginPath(); g.stroke(); g.fill();
  g.beginPath(); g.moveTo(1, 1); g.moveTo(2, 2); g.stroke();
  g.clearRect(0, 0, 10, 10);
  assert.equal(parse(g.toSVG()).getElementsByTagName("path").length, 0);
});

test("a full circle is drawn as arcs ending where it started", () => {
  const g = createSvgContext(50, 50);
  g.beginPath(); g.arc(20, 20, 5, 0, 2 * Math.PI); g.fill();
  const d = parse(g.toSVG()).getElementsByTagName("path")[0].getAttribute("d");
  assert.match(d, /^M25 20(A5 5 0 0 1 [-\d. ]+){4}$/);
  assert.ok(d.endsWith(" 25 20"), d);
});

test("clip() makes a clipPath that later drawing uses until restore", () => {
  const g = createSvgContext(100, 100);
  g.save();
  g.beginPath(); g.rect(10, 10, 50, 50); g.clip();
  g.beginPath(); g.moveTo(0, 0); g.lineTo(100, 100); g.stroke();
  g.restore();
  g.beginPath(); g.moveTo(0, 100); g.lineTo(100, 0); g.stroke();
  const svg = parse(g.toSVG());
  const clip = svg.getElementsByTagName("clipPath")[0];
  assert.ok(clip.getAttribute("id"));
  assert.equal(clip.getElementsByTagName("path")[0].getAttribute("d"), "M10 10L60 10L60 60L10 60Z");
  const drawn = [...svg.getElementsByTagName("path")].filter((p) => p.parentNode.nodeName !== "clipPath");
  assert.equal(drawn[0].getAttribute("clip-path"), `url(#${clip.getAttribute("id")})`);
  assert.equal(drawn[1].getAttribute("clip-path"), null);
});

test("text is escaped, keeps its font, alignment and baseline; rotated text keeps its matrix", () => {
  const g = createSvgContext(100, 100, { title: "loss <train> & \"val\"" });
  g.font = "bold 12px sans-serif";
  g.fillStyle = "#333";
  g.textAlign = "right";
  g.textBaseline = "middle";
  const nasty = "</text><script>alert(1)</script>&amp;\u0001";
  g.fillText(nasty, 40, 30);
  g.beginPath(); g.rect(0, 0, 100, 100); g.clip();
  g.translate(12, 50);
  g.rotate(-Math.PI / 2);
  g.textAlign = "center";
  g.fillText("Precision", 0, 0);
  const out = g.toSVG();
  assert.ok(!out.includes("<script>"));
  const svg = parse(out);
  assert.equal(svg.getElementsByTagName("script").length, 0);
  assert.equal(svg.getElementsByTagName("title")[0].textContent, "loss <train> & \"val\"");
  const [first, second] = svg.getElementsByTagName("text");
  assert.equal(first.textContent, nasty.replace("\u0001", ""));
  assert.equal(first.getAttribute("x"), "40");
  assert.equal(first.getAttribute("font-size"), "12");
  assert.equal(first.getAttribute("font-weight"), "bold");
  assert.equal(first.getAttribute("font-family"), "sans-serif");
  assert.equal(first.getAttribute("text-anchor"), "end");
  assert.equal(first.getAttribute("dominant-baseline"), "central");
  assert.equal(second.textContent, "Precision");
  assert.equal(second.getAttribute("transform"), "matrix(0 -1 1 0 12 50)");
  // clipped in the page's space, not the rotated one: the clip sits on a group around it
  assert.equal(second.getAttribute("clip-path"), null);
  assert.equal(second.parentNode.nodeName, "g");
  assert.match(second.parentNode.getAttribute("clip-path"), /^url\(#jtb\d+c1\)$/);
  assert.equal(second.getAttribute("text-anchor"), "middle");
});

test("fillText's maxWidth squeezes only text wider than it", () => {
  const g = createSvgContext(100, 100);
  g.font = "10px sans-serif";
  g.fillText("a rather long column name", 0, 10, 20);
  g.fillText("ok", 0, 30, 200);
  const [long, short] = parse(g.toSVG()).getElementsByTagName("text");
  assert.equal(long.getAttribute("textLength"), "20");
  assert.equal(long.getAttribute("lengthAdjust"), "spacingAndGlyphs");
  assert.equal(short.getAttribute("textLength"), null);
});

test("drawImage embeds the image as a data: URL with its box, filter and pixelation", () => {
  const g = createSvgContext(100, 100);
  const picture = { width: 30, height: 20, toDataURL: () => "data:image/png;base64,AAAA" };
  g.translate(5, 6);
  g.filter = "brightness(1.5)";
  g.imageSmoothingEnabled = false;
  g.drawImage(picture, 1, 2, 60, 40);
  const image = parse(g.toSVG()).getElementsByTagName("image")[0];
  assert.equal(image.getAttributeNS("http://www.w3.org/1999/xlink", "href"), "data:image/png;base64,AAAA");
  assert.deepEqual(["x", "y", "width", "height"].map((k) => image.getAttribute(k)), ["1", "2", "60", "40"]);
  assert.equal(image.getAttribute("transform"), "matrix(1 0 0 1 5 6)");
  assert.equal(image.getAttribute("style"), "filter:brightness(1.5);image-rendering:pixelated");
});

test("a chart's drawing code runs through it: axes give lines and labels, a traced series one path", () => {
  const g = createSvgContext(300, 200);
  const view = { left: 40, right: 290, top: 10, bottom: 180, sx: (x) => 40 + x * 25, sy: (y) => 180 - y * 17 };
  drawAxes(g, view, [0, 5, 10], [0, 5, 10], { fg: "#666", grid: "#ddd" });
  const xs = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
  const ys = xs.map((x) => Math.sin(x) + 5);
  g.strokeStyle = "#1f77b4";
  g.beginPath(); traceColumns(g, xs, ys, xs.length, view.sx, view.sy, view.left, view.right); g.stroke();
  const svg = parse(g.toSVG());
  const paths = [...svg.getElementsByTagName("path")];
  assert.equal(paths.filter((p) => p.getAttribute("stroke") === "#ddd").length, 6); // 3 + 3 grid lines
  const series = paths.filter((p) => p.getAttribute("stroke") === "#1f77b4");
  assert.equal(series.length, 1);
  assert.ok(series[0].getAttribute("d").split("L").length > 100);
  assert.deepEqual([...svg.getElementsByTagName("text")].map((t) => t.textContent), ["0", "5", "10", "0", "5", "10"]);
});

test("colours, fonts, escaping and file names", () => {
  assert.deepEqual(splitColor("#11223380"), { color: "#112233", alpha: 128 / 255 });
  assert.deepEqual(splitColor("rgba(255, 255, 255, 0.54)"), { color: "rgb(255,255,255)", alpha: 0.54 });
  assert.deepEqual(splitColor("rgb(1 2 3 / 50%)"), { color: "rgb(1,2,3)", alpha: 0.5 });
  assert.deepEqual(splitColor("red"), { color: "red", alpha: 1 });
  assert.equal(splitColor("transparent").alpha, 0);
  assert.deepEqual(parseFont("600 13px Helvetica, sans-serif"), { style: "normal", weight: "600", size: 13, family: "Helvetica, sans-serif" });
  assert.equal(escapeXml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  assert.equal(escapeXml("x\uD800y"), "x\uFFFDy");
  assert.equal(fileStem("loss/train"), "loss_train");
  assert.equal(fileStem("../../etc/passwd"), "etc_passwd");
  assert.equal(fileStem("a b\u0000<c>:d"), "a_b_c_d");
  assert.equal(fileStem("Genauigkeit/Überblick"), "Genauigkeit_Überblick");
  assert.equal(fileStem("///"), "chart");
});
