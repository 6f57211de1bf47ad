// GPU dispatches per training step of a lab preset on WebGPU (SwiftShader here), fused
// (burn 0.22 fixes fusion when the worker is built: there is no unfused lab), as the worker counts them
// (`#perf[data-kernels-per-step]`). A count, not a timing: it does not depend on the GPU,
// so SwiftShader's number is the one a real GPU would see. Not a test: prints JSON, one
// object per case, for docs/results/browser.md.
//
// Usage: node kernels.mjs <dist-dir> [preset, default three-regimes] [sizes, default the preset's middle one]

import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { BASE_ARGS, WEBGPU_ARGS } from "./chromium.mjs";

const [dist, preset = "three-regimes", sizes] = process.argv.slice(2);
const site = await serve(dist);
const results = [];

for (const device of ["webgpu"]) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...WEBGPU_ARGS] });
  try {
    const page = await browser.newPage();
    const link = `preset=${preset}${sizes ? `&sizes=${sizes}` : ""}&device=${device}`;
    const started = Date.now();
    await page.goto(`${site.url}#${link}`);
    await page.waitForSelector("#device[data-backend='webgpu']", { timeout: 120_000 });
    await page.click("#play");
    await page.waitForFunction(() => document.querySelector("#perf").dataset.kernelsPerStep, null, { timeout: 1_800_000, polling: 500 });
    results.push({
      case: preset,
      device,
      link,
      runs: Number(await page.getAttribute("#perf", "data-batch-runs")),
      kernels_per_step: Number(await page.getAttribute("#perf", "data-kernels-per-step")),
      seconds: (Date.now() - started) / 1000,
    });
    console.error(JSON.stringify(results.at(-1)));
  } finally {
    await browser.close();
  }
}
site.close();
console.log(JSON.stringify(results, null, 2));
