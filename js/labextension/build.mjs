// Builds the prebuilt JupyterLab extension into jupyter_tb/labextension with
// @jupyter/builder. The JupyterLab core package list it builds against comes from the
// installed @jupyterlab/core-meta, so the build never reaches for the network.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);
const builder = require.resolve("@jupyter/builder/lib/build-labextension.js");
const coreMeta = require.resolve("@jupyterlab/core-meta/core.package.json", {
  paths: [require.resolve("@jupyter/builder")],
});
const args = [builder, "--core-package-file", coreMeta, ...process.argv.slice(2), "."];
const { status } = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(status ?? 1);
