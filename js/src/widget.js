// Placeholder: the board work replaces this with the tiny per-widget loader.
export default { render({ el }) { el.textContent = "jupyter-tb"; } };
