// How free the page's main thread stays, and how fast the workers train: loads a preset,
// records every long task (Long Tasks API, > 50 ms) from the first byte on, trains for a
// while, and prints the longest task during start-up (load → device ready) and during
// training, with the steps/s each worker reports. Not a test: prints one JSON object per
// case, for docs/results/browser.md.
//
// Usage: node responsiveness.mjs <dist-dir> [preset, default three-regimes] [seconds of
// training, default 60; "all": until every size is trained, timed] [backend:
// webgpu|cpu-wasm|both, default both] [workers, default auto]

import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { BASE_ARGS, WEBGPU_ARGS } from "./chromium.mjs";

const [dist, preset = "three-regimes", seconds = "60", which = "both", workers = "auto"] = process.argv.slice(2);
const site = await serve(dist);

// Installed before the page's own scripts: sees the tasks of loading the page too.
const RECORD_LONG_TASKS = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: "longtask", buffered: true });
};

async function measure(backend, args) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...args] });
  try {
    const page = await browser.newPage();
    await page.addInitScript(RECORD_LONG_TASKS);
    const device = backend === "webgpu" ? "&device=webgpu" : "";
    const link = `preset=${preset}${workers === "auto" ? "" : `&workers=${workers}`}${device}`;
    await page.goto(`${site.url}#${link}`);
    await page.waitForSelector(`#device[data-backend='${backend}']`, { timeout: 120_000 });
    const ready = await page.evaluate(() => performance.now());
    await page.waitForTimeout(2000);
    const played = await page.evaluate(() => performance.now());
    await page.click("#play");
    const clicked = Date.now();
    if (seconds === "all") {
      await page.waitForFunction(() => /all sizes are trained/.test(document.querySelector("#status").textContent), null, { timeout: 3_600_000, polling: 500 });
    } else {
      await page.waitForTimeout(Number(seconds) * 1000);
    }
    const trained_s = (Date.now() - clicked) / 1000;
    const result = await page.evaluate(({ ready, played }) => {
      const tasks = window.__longTasks;
      const longest = (from, to) => Math.max(0, ...tasks.filter((t) => t.start >= from && t.start < to).map((t) => t.ms));
      const perf = document.querySelector("#perf").dataset;
      return {
        startup_longest_task_ms: longest(0, ready),
        idle_longest_task_ms: longest(ready, played),
        training_longest_task_ms: longest(played, Infinity),
        training_long_tasks: tasks.filter((t) => t.start >= played).length,
        lab_longest_task_ms: Number(perf.longestTaskMs),
        workers: Number(perf.workers),
        steps_per_second: Number(perf.stepsPerSecond),
        worker_steps_per_second: perf.workerStepsPerSecond,
        run_steps_per_second: Number(perf.runStepsPerSecond),
        batch_runs: Number(perf.batchRuns),
        device_ready_ms: Number(perf.deviceReadyMs),
        first_step_ms: Number(perf.firstStepMs),
        status: document.querySelector("#status").textContent,
      };
    }, { ready, played });
    const out = { preset, backend, link, seconds: trained_s, ...result };
    console.log(JSON.stringify(out));
  } finally {
    await browser.close();
  }
}

if (which !== "cpu-wasm") await measure("webgpu", WEBGPU_ARGS);
if (which !== "webgpu") await measure("cpu-wasm", []);
site.close();
