// The enlarged view of one image: a modal <dialog> (the browser's top layer, so no notebook
// container clips it) showing the image at its natural size or a chosen zoom, with the pixel
// value under the cursor read from the decoded image. Knows nothing of widgets.
//
//   const zoom = openImageZoom(parent, { src, title, filter });   zoom.close();
// DOM: [data-jtb-image-zoom] (the dialog; data-jtb-scale = pixels per image pixel),
//   [data-jtb-zoom-scale] (select), [data-jtb-pixel] (readout), [data-jtb-zoom-close].
import { h } from "./dom.js";

export const ZOOM_SCALES = ["fit", "1", "2", "4", "8"];

// Image pixel (integer x, y) under a point `offsetX, offsetY` CSS pixels from the top left of
// the image drawn `drawnWidth` wide, or null outside it.
export function pixelUnder(offsetX, offsetY, drawnWidth, naturalWidth, naturalHeight) {
  const scale = drawnWidth / naturalWidth;
  const x = Math.floor(offsetX / scale), y = Math.floor(offsetY / scale);
  return x >= 0 && y >= 0 && x < naturalWidth && y < naturalHeight ? { x, y } : null;
}

// "x 3, y 7 · RGBA 255 0 12 255" for RGBA bytes `data` of an image `width` wide.
export function describePixel(data, width, x, y) {
  const i = 4 * (y * width + x);
  return `x ${x}, y ${y} · RGBA ${data[i]} ${data[i + 1]} ${data[i + 2]} ${data[i + 3]}`;
}

// Zoom factor of the "fit" choice: the largest that shows the whole image in `box` (at most 8).
export function fitScale(naturalWidth, naturalHeight, boxWidth, boxHeight) {
  return Math.max(Math.min(boxWidth / naturalWidth, boxHeight / naturalHeight, 8), 1 / 64);
}

export function openImageZoom(parent, { src, title = "", filter = "" }) {
  const img = h("img", { class: "jtb-zoom-image", src, alt: title, draggable: "false" });
  img.style.filter = filter;
  const scaleSelect = h("select", { class: "jtb-input", "data-jtb-zoom-scale": "" },
    ZOOM_SCALES.map((s) => h("option", { value: s, text: s === "fit" ? "fit" : `${s}×` })));
  scaleSelect.value = "1";
  const readout = h("span", { class: "jtb-pixel", "data-jtb-pixel": "" });
  const close = h("button", { class: "jtb-button", text: "close", "data-jtb-zoom-close": "" });
  const stage = h("div", { class: "jtb-zoom-stage" }, [img]);
  const dialog = h("dialog", { class: "jtb-zoom", "data-jtb-image-zoom": "" }, [
    h("div", { class: "jtb-toolbar" }, [
      h("span", { class: "jtb-card-title", text: title }),
      h("label", { class: "jtb-control" }, [h("span", { text: "zoom" }), scaleSelect]),
      readout, close,
    ]),
    stage,
  ]);
  parent.append(dialog);
  let pixels = null; // RGBA of the decoded image, read once it has loaded

  function applyScale() {
    if (!img.naturalWidth) return;
    const choice = scaleSelect.value;
    const scale = choice === "fit"
      ? fitScale(img.naturalWidth, img.naturalHeight, stage.clientWidth - 4, Math.max(stage.clientHeight, 200) - 4)
      : Number(choice);
    img.style.width = `${img.naturalWidth * scale}px`;
    img.style.height = `${img.naturalHeight * scale}px`;
    dialog.setAttribute("data-jtb-scale", String(scale));
  }

  function readPixels() {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  }

  img.addEventListener("load", () => { applyScale(); readPixels(); });
  if (img.complete && img.naturalWidth) { applyScale(); readPixels(); }
  scaleSelect.addEventListener("change", applyScale);
  img.addEventListener("mousemove", (event) => {
    const rect = img.getBoundingClientRect();
    const at = pixels && pixelUnder(event.clientX - rect.left, event.clientY - rect.top, rect.width, img.naturalWidth, img.naturalHeight);
    readout.textContent = at ? describePixel(pixels, img.naturalWidth, at.x, at.y) : "";
  });
  img.addEventListener("mouseleave", () => { readout.textContent = ""; });
  const api = { el: dialog, img, close: () => dialog.close() };
  close.addEventListener("click", api.close);
  // a click on the backdrop (outside the dialog's box) closes it too
  dialog.addEventListener("click", (event) => { if (event.target === dialog) api.close(); });
  dialog.addEventListener("close", () => dialog.remove());
  dialog.showModal();
  return api;
}
