// Bundles js/src into jupyter_tb/static with esbuild: no CDN, everything offline.
//  - lib.js:    the heavy shared renderer library; loaded once per page through the
//               single _Library widget model (see jupyter_tb/widgets/library.py).
//  - widget.js: the tiny ESM every view widget carries; it waits for lib.js and delegates.
//  - offline.js: lib.js plus the replay bootstrap, inlined into exported boards
//               (jupyter_tb/widgets/export.py): no kernel, no network.
//  - page_boot.js: the tiny bootstrap inlined beside each board's output; on an nbconvert page
//               it draws the board from the saved widget state (jupyter_tb/widgets/page_boot.py).
import * as esbuild from "esbuild";
import { mkdirSync } from "node:fs";

const outdir = new URL("../jupyter_tb/static/", import.meta.url).pathname;
mkdirSync(outdir, { recursive: true });
const options = {
  entryPoints: { lib: "src/lib.js", widget: "src/widget.js", offline: "src/offline.js", page_boot: "src/page_boot.js" },
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  outdir,
  loader: { ".css": "text" },
  logLevel: "info",
};
if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context({ ...options, minify: false, sourcemap: "inline" });
  await ctx.watch();
} else {
  await esbuild.build(options);
}
