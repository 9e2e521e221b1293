// Pointer gestures on the point cloud's canvas: a click (a press that did not move) picks, a
// hover reports the point under the cursor once per frame, and a left drag in lasso mode
// (or with shift) draws a lasso whose points are selected on release. Camera drags belong
// to OrbitControls; the lasso listens in the capture phase to see the press first.
//
//   const detach = attachPointer(canvas, {
//     lassoMode() -> bool, setOrbit(enabled), pick(x, y) -> index, selectInside(polygon) -> [index],
//     drawLasso(polygon | null), emit(kind, ...args) });

const CLICK_SLOP = 3; // CSS pixels a press may move and still be a click

export function attachPointer(canvas, { lassoMode, setOrbit, pick, selectInside, drawLasso, emit }) {
  const local = (event) => {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  let press = null;
  let lasso = null;
  let hoverQueued = null;
  let hovered = -1;

  function onPointerDown(event) {
    const [x, y] = local(event);
    press = { x, y, moved: false };
    if (event.button === 0 && (lassoMode() || event.shiftKey)) {
      setOrbit(false);
      lasso = [x, y];
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
      event.stopImmediatePropagation(); // keep OrbitControls out of it
    }
  }
  function onPointerMove(event) {
    const [x, y] = local(event);
    if (press && Math.hypot(x - press.x, y - press.y) > CLICK_SLOP) press.moved = true;
    if (lasso) {
      lasso.push(x, y);
      drawLasso(lasso);
      return;
    }
    if (press && press.moved) return; // dragging the camera: no hover work
    hoverQueued = [x, y, event.clientX, event.clientY];
    requestAnimationFrame(() => {
      if (!hoverQueued) return;
      const [hx, hy, cx, cy] = hoverQueued;
      hoverQueued = null;
      const index = pick(hx, hy);
      if (index !== hovered || index >= 0) {
        hovered = index;
        canvas.style.cursor = index >= 0 ? "pointer" : "";
        emit("hover", index, cx, cy);
      }
    });
  }
  function onPointerUp(event) {
    const [x, y] = local(event);
    if (lasso) {
      const polygon = lasso;
      lasso = null;
      drawLasso(null);
      setOrbit(!lassoMode());
      if (press && !press.moved) emit("click", pick(x, y)); // a click, even in lasso mode
      else if (polygon.length >= 6) emit("select", selectInside(polygon));
      press = null;
      return;
    }
    if (press && !press.moved && event.button === 0) emit("click", pick(x, y));
    press = null;
  }
  function onPointerLeave() {
    if (hovered !== -1) { hovered = -1; emit("hover", -1, 0, 0); }
  }
  const noMenu = (event) => event.preventDefault();
  canvas.addEventListener("pointerdown", onPointerDown, { capture: true });
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointerleave", onPointerLeave);
  canvas.addEventListener("contextmenu", noMenu);
  return () => {
    canvas.removeEventListener("pointerdown", onPointerDown, { capture: true });
    canvas.removeEventListener("pointermove", onPointerMove);
    canvas.removeEventListener("pointerup", onPointerUp);
    canvas.removeEventListener("pointerleave", onPointerLeave);
    canvas.removeEventListener("contextmenu", noMenu);
  };
}
