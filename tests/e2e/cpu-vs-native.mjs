// The CPU fallback against native, per core: for Tiny and Three regimes, one worker's
// run-steps/s in headless Chromium (responsiveness.mjs, backend cpu-wasm, one worker) and
// the CLI's on one core (`taskset -c 0 grokking bench`, the batched row), alternated in one
// run so both see the same machine. Issue 26 asks for a ratio of at least 0.5. Not a test:
// prints a Markdown table for docs/results/browser.md; with --min R it exits 1 below R.
//
// Usage: node cpu-vs-native.mjs <dist-dir> <grokking binary> [rounds, default 2] [--min R]

import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const args = process.argv.slice(2);
const minAt = args.indexOf("--min");
const min = minAt >= 0 ? Number(args.splice(minAt, 2)[1]) : null;
const [distArg, grokkingArg, rounds = "2"] = args;
if (!distArg || !grokkingArg) {
  console.error("usage: node cpu-vs-native.mjs <dist-dir> <grokking binary> [rounds] [--min R]");
  process.exit(2);
}
// responsiveness.mjs runs from this directory: paths as the caller gave them, made absolute.
const dist = resolve(distArg);
const grokking = resolve(grokkingArg);

// Seconds of browser training: enough for the speed to settle past the first steps.
const PRESETS = [["tiny", 40], ["three-regimes", 90]];

function native(preset) {
  const table = execFileSync("taskset", ["-c", "0", grokking, "bench", "--cases", preset, "--steps", "20"], { encoding: "utf8" });
  // | case | runs | ms/step | run-steps/s | …: the row with the most runs is the batched one.
  const rows = table.split("\n").filter((line) => line.startsWith(`| ${preset} |`)).map((line) => line.split("|").map((cell) => cell.trim()));
  const batched = rows.reduce((a, b) => (Number(b[2]) > Number(a[2]) ? b : a));
  return Number(batched[4]);
}

function browser(preset, seconds) {
  const out = execFileSync("node", ["responsiveness.mjs", dist, preset, String(seconds), "cpu-wasm", "1"], { encoding: "utf8", cwd: import.meta.dirname });
  const result = JSON.parse(out.trim().split("\n").filter((line) => line.startsWith("{")).at(-1));
  return result.run_steps_per_second;
}

console.log("| preset | round | native, one core: run-steps/s | CPU fallback, one worker: run-steps/s | worker / native |");
console.log("|---|---:|---:|---:|---:|");
let lowest = Infinity;
for (let round = 1; round <= Number(rounds); round++) {
  for (const [preset, seconds] of PRESETS) {
    const n = native(preset);
    const w = browser(preset, seconds);
    const ratio = w / n;
    lowest = Math.min(lowest, ratio);
    console.log(`| ${preset} | ${round} | ${n.toFixed(1)} | ${w.toFixed(1)} | ${ratio.toFixed(2)} |`);
  }
}
console.log(`lowest ratio: ${lowest.toFixed(2)}`);
if (min !== null && !(lowest >= min)) {
  console.error(`below ${min}`);
  process.exit(1);
}
