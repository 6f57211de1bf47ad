// Browser throughput of a lab preset (Three regimes by default): every size as one batch (the lab's
// default) against one size at a time (`batch-runs=1`, the lab before batching), on WebGPU
// (SwiftShader here) and on the CPU fallback. Not a test: prints a JSON array, one object per
// case, for docs/results/batched-runs.md.
//
// Speed is taken between evaluations (the lab's history points): on WebGPU a step only
// queues work, and the queue drains at the evaluation's readback, so counting queued steps
// over a time window would measure nothing. The first evaluation interval (kernels compile
// in it) is skipped; `intervals` more are timed.
//
// Usage: node bench.mjs <dist-dir> [preset, default three-regimes] [intervals per case, default 1]

import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { BASE_ARGS, WEBGPU_ARGS } from "./chromium.mjs";

const [dist, preset = "three-regimes", intervals = "1"] = process.argv.slice(2);


const site = await serve(dist);
const results = [];

async function measure(backend, args, cap) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...args] });
  try {
    const page = await browser.newPage();
    const device = backend === "webgpu" ? "&device=webgpu" : "";
    const link = `preset=${preset}${cap ? `&batch-runs=${cap}` : ""}${device}`;
    await page.goto(`${site.url}#${link}`);
    await page.waitForSelector(`#device[data-backend='${backend}']`, { timeout: 120_000 });
    await page.click("#play");
    const every = Number(await page.inputValue("#eval-every"));
    // The step of the latest evaluation, as the status line shows it.
    const evaluatedStep = () => page.evaluate(() => Number((document.querySelector("#status").textContent.match(/step (\d+) \//) ?? [0, 0])[1]));
    const waitForStep = async (step) => {
      await page.waitForFunction((s) => Number((document.querySelector("#status").textContent.match(/step (\d+) \//) ?? [0, 0])[1]) >= s, step, { timeout: 1_800_000, polling: 100 });
      return { t: Date.now(), step: await evaluatedStep() };
    };
    const start = await waitForStep(every);
    const end = await waitForStep(start.step + Number(intervals) * every);
    const runs = Number(await page.getAttribute("#perf", "data-batch-runs"));
    const bytes = Number(await page.getAttribute("#perf", "data-batch-bytes"));
    const steps_per_s = (end.step - start.step) / ((end.t - start.t) / 1000);
    results.push({
      case: preset,
      backend,
      link,
      runs,
      steps_per_s: Number(steps_per_s.toFixed(3)),
      run_steps_per_s: Number((steps_per_s * runs).toFixed(3)),
      batch_mb: Number((bytes / 1e6).toFixed(1)),
      steps: end.step - start.step,
      seconds: (end.t - start.t) / 1000,
    });
    console.error(JSON.stringify(results.at(-1)));
  } finally {
    await browser.close();
  }
}

await measure("webgpu", WEBGPU_ARGS, null);
await measure("webgpu", WEBGPU_ARGS, 1);
await measure("cpu-wasm", [], null);
await measure("cpu-wasm", [], 1);
site.close();
console.log(JSON.stringify(results, null, 2));
