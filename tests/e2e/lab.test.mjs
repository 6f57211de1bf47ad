// Browser tests of the built lab: headless Chromium (Debian's) with WebGPU on SwiftShader,
// driven by playwright-core. Usage: node lab.test.mjs <dist-dir> <artifacts-dir>
//
// Configurations are tiny: SwiftShader runs WebGPU on the CPU (about 10 steps/s here).

import { chromium } from "playwright-core";
import { cp, mkdir, mkdtemp, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { BASE_ARGS, WEBGPU_ARGS } from "./chromium.mjs";

const [dist, artifacts] = process.argv.slice(2);
await mkdir(artifacts, { recursive: true });

// Two sizes of a + b mod 11 (90-pair pool) on a 16-wide model.
// Keys are the CLI's flag names (the core's settings table).
const TINY = "modulus=11&d-model=16&heads=2&d-mlp=32&steps=200&eval-every=20&eval-start=even&sizes=30,60";
// IMDB: 32 and 64 bundled reviews (first 16 words, 500-word vocabulary) on an 8-wide BERT.
const TINY_IMDB = "task=imdb&max-len=16&vocab-size=500&batch-size=16&test-size=64&d-model=8&heads=2&d-mlp=16&alpha=1&weight-decay=0.1&lr=0.003&steps=60&eval-every=20&sizes=32,64";
const MINUTE = 60_000;

// WebGPU's fused kernels and the CPU's sum in different orders: float32 rounding, which 200
// steps of training amplify. Measured on burn 0.22.1: 0.0078 (test loss of the run that only
// memorizes, N = 30, step 120); app/tests/web.rs allows 5 % of the train loss across devices.
const WEBGPU_CPU_TOLERANCE = 2e-2;
// The fused WebGPU runs' export (webgpu-train-slider-reload), compared with the CPU's.
let fusedSweep;

const site = await serve(dist);
const metrics = {};
let failures = 0;

// `allow`: console errors expected in this scenario (a destroyed GPU device logs some).
// `serviceWorkers: "block"`: without the site's service worker, for scenarios whose
// page.route must see the requests (it does not see those a service worker answers).
// ONLY=name,name runs just those scenarios (while developing; CI runs all).
async function scenario(name, args, body, { allow, serviceWorkers } = {}) {
  if (process.env.ONLY && !process.env.ONLY.split(",").includes(name)) return;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...args] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  const started = Date.now();
  try {
    await body(page);
    assert.deepEqual(errors.filter((e) => !(allow && allow.test(e))), [], "the page logged errors");
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}: ${error.stack ?? error}`);
    await page.screenshot({ path: `${artifacts}/failure-${name}.png`, fullPage: true }).catch(() => {});
  } finally {
    await browser.close();
  }
}

const text = (page, selector) => page.textContent(selector);
const regimePoints = (page) => page.locator("#chart-phase .phase-point[data-regime]").count();
const trainAccPath = (page) => page.getAttribute("#chart-accuracy path[stroke='#1f77b4']", "d");
async function waitForDevice(page, backend) {
  await page.waitForSelector(`#device[data-backend='${backend}']`, { timeout: 2 * MINUTE });
}
async function waitForTrained(page, count, timeout = 5 * MINUTE) {
  await page.waitForFunction(
    (n) => document.querySelectorAll("#chart-phase .phase-point[data-regime]").length >= n,
    count, { timeout, polling: 500 });
}
// Waits for `selector` as long as training moves: a slower machine gets longer, but a
// stall (no step for `stall`) or a finished sweep without it fails, saying where it stood.
async function waitWhileTraining(page, selector, { stall = 2 * MINUTE, limit = 20 * MINUTE } = {}) {
  const steps = () => page.getAttribute("#perf", "data-steps").then(Number);
  const started = Date.now();
  let last = await steps();
  let moved = Date.now();
  for (;;) {
    try {
      await page.waitForSelector(selector, { timeout: 5000 });
      return;
    } catch (error) {
      if (error.name !== "TimeoutError") throw error;
    }
    const now = await steps();
    if (now !== last) [last, moved] = [now, Date.now()];
    const where = `${selector} not shown after ${((Date.now() - started) / 1000).toFixed(0)} s at ${now} steps (${await text(page, "#tour .tour-seen").catch(() => "")})`;
    if (Date.now() - moved > stall) throw new Error(`${where}: training stopped moving`);
    if (Date.now() - started > limit) throw new Error(`${where}: still training`);
  }
}
async function exportedSweep(page) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
  return JSON.parse(await readFile(await download.path(), "utf8"));
}

await scenario("webgpu-train-slider-reload", WEBGPU_ARGS, async (page) => {
  const loaded = Date.now();
  await page.goto(`${site.url}#${TINY}&device=webgpu&n=60`);
  await waitForDevice(page, "webgpu");
  assert.match(await text(page, "#device"), /WebGPU/);
  // Play trains every size of the slider as one batch: both curves grow together, and both
  // phase points appear from the one batch.
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector("#perf").dataset.batchRuns === "2", null, { timeout: 2 * MINUTE });
  assert.match(await text(page, "#status"), /compiling kernels and taking the first steps… \d+ s|training 2 runs together|all sizes are trained/);
  assert.match(await text(page, "#perf"), /2 runs per batch · ≈ [\d.]+ MB on the device/);
  await waitForTrained(page, 2);
  metrics.webgpu_wall_to_both_sizes_s = (Date.now() - loaded) / 1000;

  const sweep = await exportedSweep(page);
  assert.equal(sweep.format, "grokking-lab/sweep");
  assert.deepEqual(sweep.runs.map((r) => r.config.task.train_size).sort((a, b) => a - b), [30, 60]);
  assert.deepEqual(sweep.runs[0].history.map((p) => p.step), sweep.runs[1].history.map((p) => p.step), "the batch evaluated both runs at the same steps");
  const run = sweep.runs.find((r) => r.config.task.train_size === 60);
  assert.equal(run.meta.backend, "webgpu");
  const history = run.history;
  assert.equal(history.at(-1).step, 200);
  assert.ok(history.length >= 10, "the accuracy curve advanced");
  assert.ok(history.at(-1).train_acc > history[0].train_acc + 0.3, `train accuracy rose: ${history[0].train_acc} → ${history.at(-1).train_acc}`);
  assert.ok(history.at(-1).train_loss < history[0].train_loss, "train loss fell");

  // Dispatches per step, counted in the worker once per batch (burn's fusion on).
  metrics.webgpu_fused_kernels_per_step = Number(await page.getAttribute("#perf", "data-kernels-per-step"));
  assert.ok(metrics.webgpu_fused_kernels_per_step > 0, "the worker counted its dispatches per step");
  // Issue 26's bound. This link's model has the same layers as Three regimes, whose count
  // (kernels.mjs) has been equal to this one's on every build measured: 182, 228, 197.
  assert.ok(metrics.webgpu_fused_kernels_per_step <= 200, `at most 200 GPU kernels per step: ${metrics.webgpu_fused_kernels_per_step}`);
  assert.match(await text(page, "#perf"), /\d+ GPU kernels per step/);
  fusedSweep = sweep;

  const perf = await page.locator("#perf");
  metrics.webgpu_steps_per_second = Number(await perf.getAttribute("data-steps-per-second"));
  metrics.webgpu_run_steps_per_second = Number(await perf.getAttribute("data-run-steps-per-second"));
  metrics.webgpu_device_ready_ms = Number(await perf.getAttribute("data-device-ready-ms"));
  metrics.webgpu_first_step_ms = Number(await perf.getAttribute("data-first-step-ms"));
  metrics.webgpu_longest_task_ms = Number(await perf.getAttribute("data-longest-task-ms"));
  metrics.webgpu_warm_longest_task_ms = Number(await perf.getAttribute("data-warm-longest-task-ms"));
  metrics.webgpu_longest_slice_ms = Number(await perf.getAttribute("data-longest-slice-ms"));
  assert.ok(metrics.webgpu_first_step_ms > 0, "load → first step was measured");

  // The slider scrubs across trained runs: N = 30's curves replace N = 60's at once.
  const before = await trainAccPath(page);
  await page.focus("#size-slider");
  await page.keyboard.press("ArrowLeft");
  assert.match(await text(page, "#size-label"), /N = 30 .*trained/);
  assert.notEqual(await trainAccPath(page), before, "the curves changed with the slider");
  assert.equal(await regimePoints(page), 2);
  // Training runs in a Web Worker: the page's thread only renders, in tasks under 50 ms
  // (the Long Tasks API's mark), slider drags included.
  metrics.webgpu_warm_longest_task_ms = Number(await perf.getAttribute("data-warm-longest-task-ms"));
  assert.ok(metrics.webgpu_warm_longest_task_ms < 50, `main thread stayed responsive: longest task ${metrics.webgpu_warm_longest_task_ms} ms`);
  await page.screenshot({ path: `${artifacts}/lab.png`, fullPage: true });

  // Runs survive a reload (IndexedDB), and the link restores the setup.
  await page.reload();
  await waitForDevice(page, "webgpu");
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-point[data-regime]").length === 2, null, { timeout: MINUTE });
  assert.match(await text(page, "#size-label"), /N = 30 .*trained/);
  assert.equal(await page.inputValue("#modulus"), "11");
});

// Kernel fusion changes how the step is computed, not what: the same two runs trained on
// the CPU fallback (burn's flex, no fusion) follow the fused WebGPU histories above. burn 0.22
// fixes fusion when the worker is built, so the CPU is the unfused reference here.
await scenario("webgpu-fused-equals-cpu", WEBGPU_ARGS, async (page) => {
  assert.ok(fusedSweep, "needs the fused runs of webgpu-train-slider-reload (run both)");
  await page.goto(`${site.url}#${TINY}&device=cpu&n=60`);
  await waitForDevice(page, "cpu-wasm");
  await page.click("#play");
  await waitForTrained(page, 2);
  const cpu = await exportedSweep(page);
  // Two devices sum in different orders: losses and the weight norm agree within the
  // tolerance, and an accuracy may differ by one example whose two best answers nearly tie.
  let worst = 0;
  let where = "";
  let flips = 0;
  for (const run of cpu.runs) {
    const fused = fusedSweep.runs.find((r) => r.config.task.train_size === run.config.task.train_size);
    assert.deepEqual(run.history.map((p) => p.step), fused.history.map((p) => p.step));
    const { modulus, train_size: trainSize } = run.config.task;
    const examples = { train_acc: trainSize, test_acc: modulus * modulus - trainSize };
    run.history.forEach((point, i) => {
      const other = fused.history[i];
      for (const key of ["train_loss", "test_loss", "weight_norm"]) {
        const difference = Math.abs(point[key] - other[key]) / Math.max(1, Math.abs(other[key]));
        if (difference > worst) where = `${key} at step ${point.step}, N = ${trainSize}`;
        worst = Math.max(worst, difference);
      }
      for (const key of ["train_acc", "test_acc"]) {
        flips = Math.max(flips, Math.round(Math.abs(point[key] - other[key]) * examples[key]));
      }
    });
  }
  metrics.webgpu_fused_vs_cpu_worst_difference = worst;
  metrics.webgpu_fused_vs_cpu_worst_at = where;
  metrics.webgpu_fused_vs_cpu_most_examples_flipped = flips;
  assert.ok(worst < WEBGPU_CPU_TOLERANCE, `fused WebGPU and CPU losses agree: worst relative difference ${worst} (${where})`);
  assert.ok(flips <= 1, `fused WebGPU and CPU accuracies agree within one example: ${flips} flipped`);
});

await scenario("bad-url-state", WEBGPU_ARGS, async (page) => {
  await page.goto(`${site.url}#%%%&&=&alpha=abc&p=99999&sizes=1:99999999:1&n=-4&zzz=1&device=gpu`);
  await page.waitForSelector("#device:not([data-backend='pending'])", { timeout: 2 * MINUTE });
  const notice = await text(page, "#notices .notice.warning");
  assert.match(notice, /could not be used/);
  assert.match(notice, /alpha/);
  assert.equal(await page.inputValue("#modulus"), "47", "fell back to the default setup");
  assert.equal(await page.inputValue("#alpha"), "1");
  // An out-of-range value typed into the form is explained, not applied.
  await page.fill("#alpha", "1000");
  await page.press("#alpha", "Enter");
  await page.locator("#alpha").blur();
  assert.match(await text(page, "label[for=alpha] .error"), /between 0.01 and 100/);
  assert.ok(!page.url().includes("alpha=1000"), "the invalid value is not in the link");
  // A corrupt results file is refused with a message.
  await page.setInputFiles("#import-file", { name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{\"format\": \"grokking-lab/run\", \"version\": 1, \"hist") });
  await page.waitForSelector("#notices .notice.error");
  assert.match(await text(page, "#notices .notice.error"), /Could not import/);
  // A crafted run (a real CLI run with a finite but absurd loss) is refused, and the page
  // survives a reload: nothing bad was stored.
  const sweep = JSON.parse(await readFile("../../docs/results/mod31-tiny-sample-wise.json", "utf8"));
  const crafted = sweep.runs[0];
  crafted.history[0].train_loss = 1.7e308;
  await page.setInputFiles("#import-file", { name: "crafted.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(crafted)) });
  await page.waitForFunction(() => /not a real training run/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  // The bad `device=gpu` was reported and `auto` used; the CPU, chosen in the form, is in
  // the link and taken after the reload without measuring.
  assert.match(await text(page, "#notices"), /device/);
  await page.selectOption("#device-select", "cpu");
  await page.reload();
  await waitForDevice(page, "cpu-wasm");
  assert.match(await page.getAttribute("#device", "data-choice-reason"), /as asked/);
  assert.equal(await page.locator("#crash").count(), 0, "no crash banner");
});

await scenario("device-choice-measured", WEBGPU_ARGS, async (page) => {
  // WebGPU here is SwiftShader, a software adapter: asked for `auto`, the lab times the
  // first batch on both backends and trains on the faster — the CPU — and says why.
  await page.goto(`${site.url}#${TINY}&n=60`);
  await waitForDevice(page, "cpu-wasm");
  const reason = await page.getAttribute("#device", "data-choice-reason");
  assert.match(reason, /^CPU \(\d+ workers?\): .*software WebGPU \(.*swiftshader.*\)/i, reason);
  assert.match(reason, /run-steps\/s/, "the reason carries the measured speeds");
  metrics.device_choice_reason = reason;
  assert.match(await text(page, "#device"), /CPU \(WebAssembly\) · /);
  // An estimate before Train, from the measured speed; time left while training.
  await page.waitForFunction(() => document.querySelector("#perf").dataset.etaSeconds !== "", null, { timeout: MINUTE });
  metrics.eta_before_train_s = Number(await page.getAttribute("#perf", "data-eta-seconds"));
  assert.ok(metrics.eta_before_train_s > 0, `an estimate before training: ${metrics.eta_before_train_s} s`);
  assert.match(await text(page, "#status"), /≈ [\d h min s]+ to train every size on this device/);
  await page.click("#play");
  await page.waitForFunction(() => / left/.test(document.querySelector("#status").textContent), null, { timeout: 2 * MINUTE, polling: 100 });
  await waitForTrained(page, 2, 3 * MINUTE);
  assert.equal((await exportedSweep(page)).runs[0].meta.backend, "cpu-wasm");
  // Another model shape is measured again (a wider model may favour the GPU).
  await page.fill("#d-model", "32");
  await page.press("#d-model", "Enter");
  await page.waitForSelector("#device[data-backend='pending']", { timeout: MINUTE });
  await page.waitForSelector("#device:not([data-backend='pending'])", { timeout: 2 * MINUTE });
  assert.match(await page.getAttribute("#device", "data-choice-reason"), /run-steps\/s/, "measured again");
  // `device=webgpu` (the form's select) takes SwiftShader, unmeasured.
  await page.selectOption("#device-select", "webgpu");
  await waitForDevice(page, "webgpu");
  assert.match(page.url(), /device=webgpu/);
  assert.match(await page.getAttribute("#device", "data-choice-reason"), /as asked/);
});

await scenario("webgpu-imdb", WEBGPU_ARGS, async (page) => {
  await page.goto(`${site.url}#${TINY_IMDB}&device=webgpu&n=64`);
  await waitForDevice(page, "webgpu");
  assert.equal(await page.inputValue("#task"), "imdb");
  assert.match(await text(page, "#imdb-citation"), /Maas/);
  assert.match(await text(page, "#size-label"), /review pool/);
  const started = Date.now();
  await page.click("#play");
  await waitForTrained(page, 2);
  metrics.webgpu_imdb_both_sizes_s = (Date.now() - started) / 1000;
  const run = (await exportedSweep(page)).runs.find((r) => r.config.task.train_size === 64);
  assert.equal(run.config.task.kind, "imdb");
  assert.equal(run.config.task.train_size, 64);
  assert.equal(run.meta.backend, "webgpu");
  assert.equal(run.history.at(-1).step, 60);
  assert.ok(run.history.at(-1).train_loss < run.history[0].train_loss, "train loss fell on IMDB reviews");
  await page.screenshot({ path: `${artifacts}/lab-imdb.png`, fullPage: true });
});

await scenario("cpu-fallback", [], async (page) => {
  // A link from before the settings table (old short keys) still opens its setup. Two seeds
  // per size, and the batch cap of one trains the four runs one by one, on two CPU workers.
  await page.goto(`${site.url}#p=7&d=8&heads=2&mlp=16&steps=100&eval=20&sizes=20,30&seeds-per-size=2&batch-runs=1&workers=2&n=30`);
  await waitForDevice(page, "cpu-wasm");
  assert.match(page.url(), /#task=mod-add&modulus=7&.*d-model=8&.*d-mlp=16&.*eval-every=20&.*&sizes=20,30&seeds-per-size=2&batch-runs=1&workers=2&n=30$/, "the link is rewritten with today's keys");
  assert.equal(await page.inputValue("#workers"), "2");
  assert.equal(await page.inputValue("#batch-runs"), "1");
  assert.equal(await page.inputValue("#seeds-per-size"), "2");
  assert.match(await text(page, "#notices"), /WebGPU is not available/);
  await page.click("#play");
  await waitForTrained(page, 2, 3 * MINUTE);
  assert.equal(await page.getAttribute("#perf", "data-batch-runs"), "1", "one run per batch, as capped");
  assert.equal(await page.getAttribute("#perf", "data-workers"), "2", "two workers, as the link asks");
  const workerSteps = (await page.getAttribute("#perf", "data-worker-steps")).split(",").map(Number);
  assert.ok(workerSteps.length === 2 && workerSteps.every((steps) => steps > 0), `both workers trained: ${workerSteps}`);
  metrics.cpu_worker_steps = workerSteps;
  metrics.cpu_steps_per_second = Number(await page.getAttribute("#perf", "data-steps-per-second"));
  metrics.cpu_longest_task_ms = Number(await page.getAttribute("#perf", "data-longest-task-ms"));
  metrics.cpu_warm_longest_task_ms = Number(await page.getAttribute("#perf", "data-warm-longest-task-ms"));
  assert.ok(metrics.cpu_warm_longest_task_ms < 50, `main thread stayed responsive on the CPU fallback: longest task ${metrics.cpu_warm_longest_task_ms} ms`);
  // And from the page's first byte: the page is built in parts, and the service worker's
  // first install waits for the chosen device (issue 26).
  assert.ok(metrics.cpu_longest_task_ms <= 50, `no long task from page load on the CPU fallback: longest ${metrics.cpu_longest_task_ms} ms`);
  // Each size's point is the mean of its two seeds, with their spread drawn.
  assert.equal(await page.locator("#chart-phase line.spread").count(), 2);
  const runs = (await exportedSweep(page)).runs;
  assert.deepEqual(runs.map((r) => [r.config.task.train_size, r.config.seed]), [[20, 0], [20, 1], [30, 0], [30, 1]]);
  const run = runs.find((r) => r.config.task.train_size === 30);
  assert.equal(run.meta.backend, "cpu-wasm");
  assert.equal(run.history.at(-1).step, 100);
  assert.ok(run.history.at(-1).train_loss < run.history[0].train_loss, "train loss fell on the CPU");
});

await scenario("cpu-worker-restart", [], async (page) => {
  // A training worker that dies mid-run (a panic, a lost device) is replaced, and the run
  // goes on from its last evaluation: every point once, in order.
  await page.goto(`${site.url}#modulus=7&d-model=8&heads=2&d-mlp=16&steps=3000&eval-every=100&sizes=30&n=30`);
  await waitForDevice(page, "cpu-wasm");
  await page.click("#play");
  const evaluatedStep = () => Number((document.querySelector("#status").textContent.match(/step (\d+) \//) ?? [0, 0])[1]);
  await page.waitForFunction(evaluatedStep, null, { timeout: 2 * MINUTE, polling: 50 });
  const [worker] = page.workers();
  await worker.evaluate(() => setTimeout(() => { throw new Error("a crash, on purpose"); }, 0));
  await page.waitForFunction(() => /was restarted/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  await waitForTrained(page, 1, 3 * MINUTE);
  const steps = (await exportedSweep(page)).runs[0].history.map((p) => p.step);
  // The default preset evaluates densely at the start: every 20 steps up to 1,000, then every 100.
  const schedule = [...Array.from({ length: 50 }, (_, i) => (i + 1) * 20), ...Array.from({ length: 20 }, (_, i) => 1100 + i * 100)];
  assert.deepEqual(steps, schedule, "every evaluation once, in order, across the restart");
});

await scenario("reference-before-training", [], async (page) => {
  // A first visit: nothing trained, yet the default preset's phase diagram shows what the
  // CLI measured for it (faint points, the command on hover).
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 11, null, { timeout: MINUTE });
  assert.equal(await regimePoints(page), 0, "nothing trained yet");
  const regimes = await page.$$eval("#chart-phase .phase-reference", (dots) => dots.map((d) => d.dataset.regime));
  assert.ok(["insufficiency", "sufficiency", "surplus"].every((r) => regimes.includes(r)), `all three regimes: ${regimes}`);
  assert.match(await text(page, "#chart-phase .phase-reference-label title"), /grokking sweep/);
  // The paper's central plot before training: the reference's steps-to-generalize per size
  // and its CDS line, said in the chart's accessible label.
  const steps = await page.$$eval("#chart-phase .phase-reference-steps", (marks) => marks.map((m) => Number(m.dataset.steps)));
  assert.ok(steps.length >= 8 && steps.every((s) => s > 0), `steps-to-generalize marks: ${steps}`);
  assert.equal(await page.getAttribute("#chart-phase .cds-reference", "data-size"), "900");
  assert.match(await page.getAttribute("#chart-phase", "aria-label"), /Reference measured by the CLI \(11 sizes\): steps to generalize peak at N = \d+; CDS about 900/);
  // The caption sits in the title row, above the plot, where no point can cover it.
  const [caption, frame] = await Promise.all([
    page.locator("#chart-phase .phase-reference-label").boundingBox(),
    page.locator("#chart-phase .phase-point, #chart-phase .selected-size").first().boundingBox(),
  ]);
  assert.ok(caption.y + caption.height <= frame.y + 1, `caption ${JSON.stringify(caption)} above the plot ${JSON.stringify(frame)}`);
  // The accuracy heat map (step × N) is filled by the reference runs: 11 rows.
  const rows = await page.$$eval("#chart-heatmap .heat-reference", (cells) => new Set(cells.map((c) => c.dataset.size)).size);
  assert.equal(rows, 11, "a reference row per size");
  assert.match(await page.getAttribute("#chart-heatmap", "aria-label"), /11 sizes \(0 trained here, 11 from the CLI's reference sweep\)/);
  // The slider's size shows the reference run's curves (dashed), and the scrubber replays it.
  await page.waitForFunction(() => /train acc \(CLI\)/.test(document.querySelector("#chart-accuracy").getAttribute("aria-label")), null, { timeout: MINUTE });
  assert.match(await text(page, "#scrub-step"), /latest: step 6000 \(the CLI's reference run/);
  await page.locator("#scrubber").fill("4");
  assert.match(await text(page, "#scrub-step"), /^step 200 of 6000/);
  assert.match(await page.getAttribute("#chart-accuracy", "aria-label"), /at step 200\b/);
  await page.click("#scrub-latest");
  assert.match(await text(page, "#scrub-step"), /^latest: step 6000/);
  // The model-wise map of a preset with a measured grid is full before anything trains:
  // IMDB's 4 widths × 5 sizes, and the model-wise preset's 4 widths × 7 sizes, whose
  // phase diagram reads its own width (d 32) of the same sweep.
  await page.goto(`${site.url}#preset=imdb`);
  await page.waitForFunction(() => document.querySelectorAll("#chart-model-wise .model-cell.reference").length >= 20, null, { timeout: MINUTE });
  assert.match(await page.getAttribute("#chart-model-wise", "aria-label"), /4 widths × \d+ sizes; .*cells from the CLI's reference sweep/);
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 7, null, { timeout: MINUTE });
  const imdbRegimes = await page.$$eval("#chart-phase .phase-reference", (dots) => dots.map((d) => d.dataset.regime));
  assert.ok(imdbRegimes.includes("sufficiency"), `IMDB's reference groks somewhere: ${imdbRegimes}`);
  await page.goto(`${site.url}#preset=model-wise`);
  await page.waitForFunction(() => document.querySelectorAll("#chart-model-wise .model-cell.reference").length === 28, null, { timeout: MINUTE });
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 7, null, { timeout: MINUTE });
  const mapWidths = await page.$$eval("#chart-model-wise .model-cell", (cells) => [...new Set(cells.map((c) => c.dataset.width))]);
  assert.deepEqual(mapWidths.sort((a, b) => a - b), ["16", "32", "64", "128"]);
  // The paper's own size: the CPU sweep of p = 113 covers the slider's first ten stops,
  // says where it ends, and reads CDS 2,000.
  await page.goto(`${site.url}#preset=paper`);
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length >= 10, null, { timeout: MINUTE });
  assert.match(await text(page, "#chart-phase .phase-reference-label"), /the CLI's sweep of N ≤ 5500/);
  assert.equal(await page.getAttribute("#chart-phase .cds-reference", "data-size"), "2000");
  const paperRegimes = await page.$$eval("#chart-phase .phase-reference", (dots) => dots.map((d) => d.dataset.regime));
  assert.ok(["insufficiency", "sufficiency", "surplus"].every((r) => paperRegimes.includes(r)), `all three regimes at p = 113: ${paperRegimes}`);
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 11, null, { timeout: MINUTE });
  // Another preset, another reference; changing a setting leaves no preset and no reference.
  await page.fill("#modulus", "41");
  await page.press("#modulus", "Enter");
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 0, null, { timeout: MINUTE });
});

await scenario("embed-mode", [], async (top) => {
  // A course page's <iframe> of 800 × 500: the slider, Train, the phase diagram and the
  // curves; no setup form; a link out to the whole lab with the same setup; nothing wider
  // than the frame.
  await top.setContent(`<h1>A course page</h1><iframe src="${site.url}#${TINY}&embed=1" width="800" height="500" style="border: 0" title="Grokking Lab"></iframe>`);
  const page = await (await top.waitForSelector("iframe")).contentFrame();
  await waitForDevice(page, "cpu-wasm");
  assert.equal(await page.locator("fieldset.settings").count(), 0, "no setup form");
  for (const selector of ["#play", "#size-slider", "#chart-phase", "#chart-accuracy"]) {
    assert.ok(await page.locator(selector).isVisible(), `${selector} shown`);
  }
  const href = await page.getAttribute("a.full-lab", "href");
  assert.match(href, /#.*modulus=11/, "the full lab opens on the same setup");
  assert.doesNotMatch(href, /embed=/);
  assert.match(page.url(), /embed=1/, "the frame's own link keeps the mode");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "nothing wider than the frame");
  assert.equal(await page.evaluate(() => window.innerWidth), 800, "inside the 800-wide frame");
  await page.click("#play");
  await waitForTrained(page, 2);
  assert.ok(await page.locator("#chart-phase").isVisible(), "the phase diagram shows the trained sizes");
});

// Every user-facing text of the Chinese page, after a short training: text nodes (hidden
// ones too: a tour card or an <option> is shown later) and the attributes a person reads.
// What may stay: names and notation (GPT, IMDB, WebGPU, N, p, mod, units) and the citations,
// which are marked lang="en".
function englishLeft() {
  const allowed = new Set(["N", "p", "k", "a", "b", "mod", "CDS", "GPT", "BERT", "IMDB", "WebGPU", "GPU", "CPU",
    "WebAssembly", "AdamW", "PyPI", "LN", "SVG", "PNG", "JSON", "CSV", "MB", "ms", "s", "cos", "sin", "Transformer", "OpenAI",
    "grokking", "Fourier", "SIMD", "Esc", "P", "ID", "CLI", "URL", "Slurm"]);
  const english = (text) => (text.match(/[A-Za-z][A-Za-z'-]*/g) ?? []).filter((w) => !allowed.has(w));
  const inEnglish = (el) => el.closest("[lang]:not(html)")?.getAttribute("lang")?.startsWith("en");
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, noscript") || inEnglish(parent)) continue;
    const words = english(node.textContent);
    if (words.length) found.push(`${parent.tagName.toLowerCase()}${parent.id ? "#" + parent.id : ""}: “${node.textContent.trim().slice(0, 80)}” (${words.join(" ")})`);
  }
  for (const el of document.body.querySelectorAll("[title], [aria-label], [placeholder], [alt], [aria-valuetext]")) {
    if (inEnglish(el)) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt", "aria-valuetext"]) {
      const words = english(el.getAttribute(name) ?? "");
      if (words.length) found.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}[${name}]: “${el.getAttribute(name).slice(0, 80)}” (${words.join(" ")})`);
    }
  }
  return found;
}

// Buttons, labels and choices whose text is wider than their box.
function overflowing() {
  return [...document.querySelectorAll("button, select, label, .preset, #status, #device")]
    .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}: ${el.scrollWidth} > ${el.clientWidth} (“${el.textContent.trim().slice(0, 40)}”)`);
}

await scenario("languages", [], async (page) => {
  // lang=zh: the whole page in Chinese, nothing overflowing; the switch returns to English,
  // and the link follows the language.
  await page.goto(`${site.url}#${TINY}&lang=zh`);
  await waitForDevice(page, "cpu-wasm");
  assert.equal(await page.getAttribute("html", "lang"), "zh-Hans");
  await page.click("#play");
  await waitForTrained(page, 2);
  await page.click("#play"); // pause: the status line settles
  await page.waitForSelector(".explain");
  assert.deepEqual(await page.evaluate(englishLeft), [], "no English user-facing text on the Chinese page");
  assert.deepEqual(await page.evaluate(overflowing), [], "no control overflows in Chinese");
  assert.match(page.url(), /lang=zh/);
  await page.click("#language");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await text(page, "#play"), /Train/);
  assert.doesNotMatch(page.url(), /lang=/, "English is this browser's own language: the link needs no lang=");
  assert.deepEqual(await page.evaluate(overflowing), [], "no control overflows in English");
  // lang=en: the English page as every other scenario sees it.
  await page.goto(`${site.url}#${TINY}&lang=en`);
  await page.waitForFunction(() => document.documentElement.lang === "en");
  assert.equal(await text(page, "h1"), "Grokking Lab");
});

await scenario("live-callouts", [], async (page) => {
  // A run that memorizes gets a callout at that step, on the accuracy chart and in the
  // timeline; the scrubber replays them; one switch turns them off (and the link says so).
  // TINY with more steps, a larger step size and less decay, so that N = 60 memorizes
  // (at step 160 when measured) and stays there.
  await page.goto(`${site.url}#${TINY}&steps=1000&lr=0.01&weight-decay=0.1&n=60`);
  await waitForDevice(page, "cpu-wasm");
  await page.click("#play");
  await waitForTrained(page, 2);
  await page.waitForSelector("#callouts .callout[data-moment='memorized']", { timeout: MINUTE });
  const note = await text(page, "#callouts .callout[data-moment='memorized']");
  assert.match(note, /^N = 60 memorized at step \d+;/);
  const step = Number(await page.getAttribute("#callouts .callout[data-moment='memorized']", "data-step"));
  assert.equal(await page.getAttribute("#chart-accuracy .callout-mark[data-moment='memorized']", "data-step"), String(step));
  assert.ok(await page.locator("#callouts .callout[data-moment='classified']").count() === 1, "the finished size is classified");
  await page.locator("#scrubber").fill("0");
  assert.equal(await page.locator("#callouts .callout").count(), 0, "step 20: nothing has happened yet");
  await page.click("#scrub-latest");
  await page.waitForSelector("#callouts .callout[data-moment='memorized']");
  await page.uncheck("#callouts-on");
  assert.equal(await page.locator("#chart-accuracy .callout-mark").count(), 0);
  await page.waitForFunction(() => location.hash.includes("callouts=0"));
});

await scenario("guided-tour", [], async (page) => {
  // The guided tour start to end on the CPU fallback: it takes Tiny (the default preset
  // takes hours here) and says why, outlines what each step talks about, and moves on only
  // when the step's event shows in the lab; it can be left at any step, and the classroom
  // keys and projector mode work during it. Tiny's five sizes train in ≈ 5 min here.
  // A teacher's link starts it (tour=1), and the page's link says so while it runs.
  await page.goto(`${site.url}#tour=1`);
  await waitForDevice(page, "cpu-wasm");
  await page.waitForSelector("#tour[data-step='preset']");
  await page.waitForFunction(() => location.hash.includes("tour=1"));
  assert.equal(await page.getAttribute("#tour", "data-preset"), "tiny");
  assert.match(await text(page, "#tour"), /Step 1 of 6.*“Tiny \(CPU-friendly\)”/s);
  assert.equal(await page.locator(".presets.tour-target").count(), 1, "the preset row is outlined");
  // Left at the first step: no card, no outline, and the link forgets it.
  await page.click("#tour-leave");
  assert.equal(await page.locator("#tour").count(), 0);
  assert.equal(await page.locator(".tour-target").count(), 0);
  await page.waitForFunction(() => !location.hash.includes("tour="));

  await page.click("[data-tour='start']");
  await page.click("#tour-preset");
  const shown = Date.now();
  await page.waitForSelector("#tour[data-step='train']");
  assert.equal(await page.locator(".preset[data-preset='tiny'].active").count(), 1);
  assert.equal(await text(page, "#play"), "▶ Train", "showing the preset does not train it");
  assert.equal(await page.locator("#play.tour-target").count(), 1);
  // The classroom keys: P for the projector, space to train.
  await page.keyboard.press("p");
  await page.waitForSelector("body.present");
  assert.ok(await page.locator("#tour").isVisible(), "the card stays in projector mode");
  await page.keyboard.press(" ");
  await page.waitForSelector("#tour[data-step='memorize']");
  assert.match(await text(page, "#tour .tour-seen"), /Training: all 5 sizes at once/);
  // Memorizing: the tour quotes the moment; the callout is on the chart.
  await waitWhileTraining(page, "#tour[data-step='grok']");
  assert.match(await text(page, "#tour .tour-seen"), /N = 500 memorized at step \d+ while test accuracy was \d+%/);
  await page.waitForSelector("#chart-accuracy .callout-mark[data-moment='memorized']");
  // A size that only memorizes does not pass the grokking step…
  await page.locator("#size-slider").fill("0");
  await page.waitForFunction(() => document.querySelector("#size-label").textContent.includes("300"));
  await page.waitForTimeout(3000);
  assert.equal(await page.getAttribute("#tour", "data-step"), "grok", "N = 300 never generalizes");
  // …N = 500 does, when its test accuracy jumps (it grokked in every Tiny sweep here).
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await waitWhileTraining(page, "#tour[data-step='critical-size']");
  assert.match(await text(page, "#tour .tour-seen"), /N = 500 generalized at step [\d,]+, [\d,]+ steps after it memorized/);
  assert.equal(await page.locator("#chart-phase.tour-target").count(), 1);
  await waitWhileTraining(page, "#tour[data-step='learned']");
  const cds = await page.getAttribute("#chart-phase line.cds", "data-size");
  assert.match(await text(page, "#tour .tour-seen"), new RegExp(`critical data size here is N = ${cds}\\.`));
  await page.hover("#chart-fourier");
  await page.waitForSelector("#tour[data-step='done']");
  await page.click("#tour-close");
  assert.equal(await page.locator("#tour").count(), 0);
  metrics.tour_tiny_seconds = (Date.now() - shown) / 1000;
});

await scenario("learned-views-scrubber", [], async (page) => {
  // What a tiny modular run learned: its embedding's Fourier spectrum and its answer grid,
  // live, then replayed with the step scrubber.
  await page.goto(`${site.url}#${TINY}&n=60`);
  await waitForDevice(page, "cpu-wasm");
  assert.match(await text(page, "#chart-answers"), /Train this size/);
  await page.click("#play");
  await waitForTrained(page, 2);
  // a + b mod 11: frequencies 1 … 5, one bar each; the grid holds all 121 pairs.
  assert.equal(await page.locator("#chart-fourier .fourier-bar").count(), 5);
  const shares = await page.$$eval("#chart-fourier .fourier-bar", (bars) => bars.map((b) => Number(b.dataset.share)));
  assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 0.01, `the shares sum to 1: ${shares}`);
  const counts = async () => Object.fromEntries(await page.$$eval("#chart-answers .answer-count", (ts) => ts.map((t) => [t.dataset.cell, Number(t.textContent.split(": ").pop())])));
  const latest = await counts();
  assert.equal(Object.values(latest).reduce((a, b) => a + b, 0), 121, `every pair of the grid: ${JSON.stringify(latest)}`);
  assert.equal(latest.T + latest.t, 60, "N = 60 training cells");
  // The grid agrees with the accuracies the evaluation measured at the same step.
  const label = await page.getAttribute("#chart-accuracy", "aria-label");
  const [, trainAcc] = label.match(/train acc ([\d.]+) at step 200/);
  const [, testAcc] = label.match(/test acc ([\d.]+) at step 200/);
  assert.ok(Math.abs(latest.T / 60 - Number(trainAcc)) < 0.001, `training cells right ${latest.T}/60 = train acc ${trainAcc}`);
  assert.ok(Math.abs(latest.E / (latest.E + latest.e) - Number(testAcc)) < 0.001, `test cells right ${latest.E}/${latest.E + latest.e} = test acc ${testAcc}`);
  const fourierAtEnd = await page.getAttribute("#chart-fourier", "aria-label");
  // The scrubber back to the first evaluation (step 20 with eval-start=even): the barely
  // trained model answers fewer training pairs.
  await page.locator("#scrubber").fill("0");
  assert.match(await text(page, "#scrub-step"), /^step 20 of 200/);
  const start = await counts();
  assert.ok(start.T < latest.T, `step 20 answers fewer training pairs: ${start.T} < ${latest.T}`);
  assert.match(await page.getAttribute("#chart-fourier", "aria-label"), /at step 20:/);
  assert.match(await page.getAttribute("#chart-accuracy", "aria-label"), /train acc [\d.]+ at step 20,/, "the curves end at the scrubber's step");
  assert.notEqual(await page.getAttribute("#chart-fourier", "aria-label"), fourierAtEnd);
  // Replay runs through the evaluations and ends on the latest again.
  await page.click("#replay");
  await page.waitForFunction(() => /^step \d+ of 200/.test(document.querySelector("#scrub-step").textContent), null, { timeout: MINUTE });
  await page.waitForFunction(() => /^latest: step 200/.test(document.querySelector("#scrub-step").textContent), null, { timeout: MINUTE });
  assert.deepEqual(await counts(), latest);
  // The exported run keeps what it learned (the run format's optional `learned`).
  const sweep = await exportedSweep(page);
  const run = sweep.runs.find((r) => r.config.task.train_size === 60);
  assert.ok(run.learned.length > 1 && run.learned.at(-1).answers.length === 121, "learned[] in the export");
});

await scenario("sub-path-keys-present", [], async (page) => {
  // The site as GitHub Pages serves a project: under /grokking-lab/, nothing at the root.
  const pages = await serve(dist, { prefix: "/grokking-lab/" });
  try {
    await page.goto(`${pages.url}#${TINY}&n=30`);
    await waitForDevice(page, "cpu-wasm");
    assert.equal(await page.getAttribute("#size-slider", "aria-valuetext"), "N = 30");
    assert.match(await page.getAttribute("#size-slider", "aria-describedby"), /size-label/);
    // → moves the slider; space trains (the worker and its wasm load from the sub-path).
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.getAttribute("#size-slider", "aria-valuetext"), "N = 60");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    assert.equal(await page.getAttribute("#size-slider", "aria-valuetext"), "N = 30", "← stops at the smallest size");
    await page.keyboard.press(" ");
    assert.match(await text(page, "#play"), /Pause/);
    await waitForTrained(page, 2);
    const shapes = await page.$$eval("#chart-phase .phase-point[data-regime]", (ps) => ps.map((p) => `${p.dataset.regime}:${p.dataset.shape}`));
    const expected = { insufficiency: "triangle", sufficiency: "diamond", surplus: "circle", undertrained: "square", diverged: "cross" };
    assert.ok(shapes.every((s) => { const [r, shape] = s.split(":"); return expected[r] === shape; }), `each regime has its shape: ${shapes}`);
    assert.match(await page.getAttribute("#chart-phase", "aria-label"), /2 of 2 sizes analysed: N 30: \w+ \(\w+\), test accuracy/);
    assert.match(await page.getAttribute("#chart-accuracy", "aria-label"), /Accuracy: train acc [\d.]+ at step 200, test acc/);
    // Space again pauses; typing into a field keeps its own meaning.
    await page.keyboard.press(" ");
    assert.match(await text(page, "#play"), /Train/);
    await page.focus("#steps");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("2");
    assert.equal(await page.getAttribute("#size-slider", "aria-valuetext"), "N = 30", "keys typed into a field stay there");
    assert.match(await page.inputValue("#steps"), /2/);
    await page.fill("#steps", "200");
    await page.click("h1");

    // The model-wise map trains another width of this setup from the lab (its own batch).
    assert.equal(await page.locator("#chart-model-wise .model-cell").count(), 2, "width 16 alone so far");
    await page.fill("#map-widths", "8, 16");
    await page.click("#map-train");
    await page.waitForFunction(() => document.querySelectorAll("#chart-model-wise .model-cell").length === 4, null, { timeout: 3 * MINUTE });
    assert.deepEqual(await page.$$eval("#chart-model-wise .model-cell", (cells) => [...new Set(cells.map((c) => c.dataset.width))].sort()), ["16", "8"]);
    assert.equal(await page.getAttribute("#size-slider", "aria-valuetext"), "N = 30", "the slider's setup is unchanged");
    await page.click("h1");
    await page.keyboard.press(" ");
    await page.waitForFunction(() => /Train/.test(document.querySelector("#play").textContent));

    // P: projector mode hides the setup and enlarges the charts; Escape leaves it.
    const phaseWidth = async () => (await page.locator("#chart-phase").boundingBox()).width;
    const before = await phaseWidth();
    await page.keyboard.press("p");
    await page.waitForSelector("body.present");
    assert.equal(await page.isVisible(".settings"), false, "the setup is hidden");
    assert.equal(await page.getAttribute("#present", "aria-pressed"), "true");
    assert.ok(await phaseWidth() > before * 1.4, `the phase diagram grows: ${before} → ${await phaseWidth()}`);
    // The link carries it: a teacher's link opens straight in projector mode.
    assert.match(page.url(), /&present=1$/);
    await page.reload();
    await page.waitForSelector("body.present");
    await waitForDevice(page, "cpu-wasm");
    await page.keyboard.press("Escape");
    await page.waitForSelector("body:not(.present)");
    assert.equal(await page.isVisible(".settings"), true);
    await page.click("#present");
    await page.waitForSelector("body.present");
    await page.click("#present");
    await page.waitForSelector("body:not(.present)");

    // 1: the first preset, with its reference results fetched from the sub-path.
    await page.keyboard.press("1");
    await page.waitForSelector(".preset[data-preset='three-regimes'][aria-pressed='true']");
    await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length === 11, null, { timeout: MINUTE });
    await page.keyboard.press(" ");
    assert.match(await text(page, "#play"), /Train/, "a preset starts training; space pauses it");
  } finally {
    pages.close();
  }
});

await scenario("imports-and-storage", [], async (page) => {
  await page.goto(`${site.url}#${TINY}&n=60`);
  await waitForDevice(page, "cpu-wasm");
  const notices = () => page.textContent("#notices");
  const importFile = (name, buffer) => page.setInputFiles("#import-file", { name, mimeType: "application/json", buffer });
  // A real CLI model-wise sweep (three widths, IMDB, non-default settings throughout): one
  // width is shown, and the notice says why the other six runs are not.
  await importFile("imdb-model-wise.json", await readFile("../../docs/results/imdb-model-wise.json"));
  await page.waitForFunction(() => /Imported 9 run/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  assert.match(await notices(), /Imported 9 run\(s\); 3 shown \(N = 300,1000,4000, 1 seed\(s\) per size\)/);
  assert.match(await notices(), /3 of another setup \(d-model 32 \(shown: 16\)\)/);
  assert.match(await notices(), /3 of another setup \(d-model 64 \(shown: 16\)\)/);
  assert.equal(await page.inputValue("#task"), "imdb");
  assert.equal(await page.inputValue("#test-size"), "500");
  assert.equal(await regimePoints(page), 3);
  // All three widths fill the model-wise map: 3 widths × 3 sizes, the CDS of each marked
  // (the CLI's analysis of this file finds 1,000 for each).
  await page.waitForFunction(() => document.querySelectorAll("#chart-model-wise .model-cell").length === 9, null, { timeout: MINUTE });
  const widths = await page.$$eval("#chart-model-wise .model-cell", (cells) => [...new Set(cells.map((c) => c.dataset.width))]);
  assert.deepEqual(widths.sort((a, b) => a - b), ["16", "32", "64"]);
  const cds = await page.$$eval("#chart-model-wise .model-cds", (cells) => cells.map((c) => `${c.dataset.width}:${c.dataset.size}`));
  assert.deepEqual(cds.sort(), ["16:1000", "32:1000", "64:1000"]);
  assert.match(await page.getAttribute("#chart-model-wise", "aria-label"), /3 widths × 3 sizes; width 16: CDS 1000/);
  // A CLI sweep with three seeds per size: every run shown, means with their spread.
  await importFile("seeds.json", await readFile("../../docs/results/mod31-tiny-pre-ln-3seeds.json"));
  await page.waitForFunction(() => /Imported 15 run/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  assert.match(await notices(), /15 shown \(N = 300,400,500,600,700, 3 seed\(s\) per size\)/);
  assert.equal(await page.inputValue("#seeds-per-size"), "3");
  assert.equal(await page.inputValue("#modulus"), "31");
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-point[data-regime]").length === 5, null, { timeout: MINUTE });
  assert.equal(await page.locator("#chart-phase line.spread").count(), 5);
  // A corrupt entry in the browser's store is skipped on reload, with a notice; the good
  // runs come back.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("grokking-lab", 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("runs", "readwrite");
      tx.objectStore("runs").put("{\"format\": \"grokking-lab/run\", \"hist", "corrupt");
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  await page.reload();
  await waitForDevice(page, "cpu-wasm");
  await page.waitForFunction(() => /1 saved run\(s\) could not be read and were skipped/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-point[data-regime]").length === 5, null, { timeout: MINUTE });
  assert.equal(await page.locator("#crash").count(), 0, "no crash banner");
  // Reset forgets this setup's runs, in the store too: a reload does not bring them back.
  const stored = () => page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("grokking-lab", 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const count = open.result.transaction("runs").objectStore("runs").count();
      count.onsuccess = () => { open.result.close(); resolve(count.result); };
    };
  }));
  assert.equal(await stored(), 9 + 15 + 1, "both imports and the corrupt entry are stored");
  await page.click("#reset");
  assert.equal(await regimePoints(page), 0);
  // The store is cleared asynchronously: wait for it before reloading.
  for (let waited = 0; (await stored()) !== 9 + 1; waited += 100) {
    assert.ok(waited < 10_000, "reset deleted the setup's stored runs");
    await page.waitForTimeout(100);
  }
  await page.reload();
  await waitForDevice(page, "cpu-wasm");
  await page.waitForTimeout(2000);
  assert.equal(await regimePoints(page), 0, "reset runs stay deleted after a reload");
  assert.equal(await page.inputValue("#modulus"), "31");
});

await scenario("storage-quota", [], async (page) => {
  // The browser's storage for this site is full (a 1-byte quota, set once the page has
  // opened its database): saving aborts at commit, after the write request itself
  // succeeded. The user is told; the runs stay on the page.
  await page.goto(`${site.url}#${TINY}&n=60`);
  await waitForDevice(page, "cpu-wasm");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Storage.overrideQuotaForOrigin", { origin: new URL(site.url).origin, quotaSize: 1 });
  await page.setInputFiles("#import-file", { name: "imdb-model-wise.json", mimeType: "application/json", buffer: await readFile("../../docs/results/imdb-model-wise.json") });
  await page.waitForFunction(() => /Imported 9 run/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  await page.waitForFunction(() => /storage for this site is full/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  assert.match(await page.textContent("#notices"), /Could not keep an imported run in this browser \(the browser's storage for this site is full\): it stays on this page/);
  assert.equal(await regimePoints(page), 3, "the imported runs are on the page");
  assert.equal(await page.locator("#crash").count(), 0, "no crash banner");
}, { serviceWorkers: "block" });

await scenario("worker-from-another-build", [], async (page) => {
  // A worker of another build (a stale cached copy where the service worker does not
  // answer): its first message names its build, and the page stops and says so instead of
  // training on with messages neither side reads. Then a worker whose messages do not
  // parse at all (older than the handshake).
  for (const [body, expected] of [
    [`postMessage(JSON.stringify({ Hello: { build: "0.0.0-other" } }));`, /different builds of the lab \(page [^,]+, worker 0\.0\.0-other\)/],
    [`postMessage(JSON.stringify({ Ready: 42 }));`, /different builds of the lab \(page [^,]+, one whose messages this page cannot read\)/],
  ]) {
    await page.unroute("**/grokking-worker_loader.js");
    await page.route("**/grokking-worker_loader.js", (route) => route.fulfill({ contentType: "text/javascript", body }));
    await page.goto(`${site.url}#${TINY}`);
    await page.reload();
    await page.waitForSelector("#notices .notice.error", { timeout: MINUTE });
    assert.match(await text(page, "#notices .notice.error"), expected);
    assert.match(await text(page, "#notices .notice.error"), /reload the page \(Ctrl\+Shift\+R\)/);
    assert.ok(await page.locator("#play").isDisabled(), "nothing trains");
  }
  // The real page carries a Content-Security-Policy that allows no inline handlers.
  const policy = await page.getAttribute("meta[http-equiv='Content-Security-Policy']", "content");
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(policy, /unsafe-inline'[^;]*;?\s*$|script-src[^;]*unsafe-inline/);
}, { serviceWorkers: "block" });

await scenario("worker-crash-loop", [], async (page) => {
  // A worker that dies at once every time (say a broken cached copy): restarted three
  // times, then the lab stops and says so instead of restarting it forever.
  await page.route("**/grokking-worker_loader.js", (route) => route.fulfill({ contentType: "text/javascript", body: `throw new Error("a crash, on purpose");` }));
  await page.goto(`${site.url}#${TINY}`);
  await page.waitForFunction(() => /failed 4 times/.test(document.querySelector("#notices")?.textContent ?? ""), null, { timeout: MINUTE });
  assert.match(await text(page, "#notices .notice.error"), /Training stopped: a training worker failed 4 times \(last: .*a crash, on purpose.*\)\. Finished runs are saved/);
  assert.match(await page.textContent("#notices"), /it was restarted/, "restarted before it gave up");
  assert.ok(await page.locator("#play").isDisabled(), "nothing trains");
}, { allow: /a crash, on purpose/, serviceWorkers: "block" });

await scenario("imdb-download-faults", [], async (page) => {
  // The review bundle never answers, then is missing, then corrupt: one notice each,
  // training pauses, nothing is marked failed; once the file is back, ▶ Train trains.
  const hanging = [];
  await page.route("**/data/imdb/reviews.bin", (route) => { hanging.push(route); });
  await page.goto(`${site.url}#${TINY_IMDB}&n=64`);
  await waitForDevice(page, "cpu-wasm");
  await page.click("#play");
  await page.waitForFunction(() => /no answer within 30 s\. Press ▶ Train to try again/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  assert.match(await text(page, "#play"), /Train/, "training paused");
  await page.unroute("**/data/imdb/reviews.bin");
  await page.route("**/data/imdb/reviews.bin", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.click("#play");
  await page.waitForFunction(() => /HTTP 404\. Press ▶ Train to try again/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  assert.equal(await page.locator("#notices .notice.error").count(), 2, "one notice for both sizes (after the timeout's)");
  assert.match(await text(page, "#play"), /Train/, "training paused");
  await page.unroute("**/data/imdb/reviews.bin");
  await page.route("**/data/imdb/reviews.bin", (route) => route.fulfill({ status: 200, body: "these are not the reviews" }));
  await page.click("#play");
  await page.waitForFunction(() => /could not be used.*Press ▶ Train to try again/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  await page.unroute("**/data/imdb/reviews.bin");
  await page.click("#play");
  await waitForTrained(page, 2, 3 * MINUTE);
  const run = (await exportedSweep(page)).runs.find((r) => r.config.task.train_size === 64);
  assert.equal(run.history.at(-1).step, 60);
}, { serviceWorkers: "block" });

await scenario("webgpu-device-loss", WEBGPU_ARGS, async (page) => {
  // The worker keeps its GPU device where the test can reach it: requestDevice is wrapped
  // before the worker's own script runs.
  await page.route("**/grokking-worker_loader.js", async (route) => {
    const response = await route.fetch();
    const prelude = "if (self.GPUAdapter) { const request = GPUAdapter.prototype.requestDevice; GPUAdapter.prototype.requestDevice = async function (...args) { const device = await request.apply(this, args); self.__gpuDevice = device; return device; }; }\n";
    await route.fulfill({ response, body: prelude + await response.text() });
  });
  await page.goto(`${site.url}#${TINY}&device=webgpu&n=60`);
  await waitForDevice(page, "webgpu");
  await page.click("#play");
  await page.waitForFunction(() => Number((document.querySelector("#status").textContent.match(/step (\d+) \//) ?? [0, 0])[1]) >= 40, null, { timeout: 3 * MINUTE, polling: 100 });
  const [worker] = page.workers();
  await worker.evaluate(() => self.__gpuDevice.destroy());
  await page.waitForSelector("#gpu-fault", { timeout: MINUTE });
  assert.match(await text(page, "#gpu-fault"), /GPU device was lost/);
  assert.match(await text(page, "#play"), /Train/, "training paused");
  await page.click("#continue-cpu");
  await waitForDevice(page, "cpu-wasm");
  await waitForTrained(page, 2, 3 * MINUTE);
  for (const run of (await exportedSweep(page)).runs) {
    const steps = run.history.map((p) => p.step);
    assert.deepEqual(steps, [...new Set(steps)].sort((a, b) => a - b), "every evaluation once, in order");
    assert.equal(steps.at(-1), 200);
  }
}, { allow: /GPU|[Dd]evice|destroyed|map|panicked|Invalid/, serviceWorkers: "block" });

await scenario("webgpu-soak-size-switches", WEBGPU_ARGS, async (page) => {
  // Six sizes, one run per batch: every slider move parks a batch (model, optimizer and
  // data stay on the GPU) and starts or resumes another. Three rounds over all six: the
  // worker releases the oldest parked batches, so device memory stays flat.
  await page.goto(`${site.url}#modulus=11&d-model=16&heads=2&d-mlp=32&steps=20000&eval-every=20&eval-start=even&sizes=20,30,40,50,60,70&batch-runs=1&device=webgpu&n=20`);
  await waitForDevice(page, "webgpu");
  await page.click("#play");
  const steps = () => page.getAttribute("#perf", "data-steps").then(Number);
  const bytes = () => page.getAttribute("#perf", "data-device-bytes").then(Number);
  const rounds = [];
  const seen = [];
  for (let round = 0; round < 3; round += 1) {
    let most = 0;
    for (let size = 0; size < 6; size += 1) {
      if (round > 0 || size > 0) {
        await page.focus("#size-slider");
        await page.keyboard.press(size === 0 ? "Home" : "ArrowRight");
      }
      // Two evaluations of the newly selected size.
      const before = await steps();
      await page.waitForFunction((s) => Number(document.querySelector("#perf").dataset.steps) >= s + 40, before, { timeout: 2 * MINUTE, polling: 100 });
      seen.push(await bytes());
      most = Math.max(most, seen.at(-1));
    }
    rounds.push(most);
  }
  metrics.soak_device_bytes_per_round = rounds;
  metrics.soak_device_bytes_per_switch = seen;
  metrics.soak_released_batches = Number(await page.getAttribute("#perf", "data-released"));
  assert.ok(rounds[0] > 0, `the device's memory in use is reported: ${rounds}`);
  assert.ok(metrics.soak_released_batches > 0, "parked batches beyond the cap were released");
  assert.ok(rounds[2] <= rounds[0] * 1.25, `device memory stays flat over size switches: ${rounds.join(" → ")} bytes`);
  // One batch takes seen[0]; the worker holds the training one and four parked (six
  // without the cap).
  assert.ok(Math.max(...seen) <= seen[0] * 5.5, `at most five batches held: ${seen.join(", ")} bytes`);
});

await scenario("offline-cache-refuses-wrong-files", [], async (page) => {
  // The service worker keeps a file only if its SHA-256 is the build's: a server that
  // answers 200 with the wrong reviews (an error page, another deployment's file) gets
  // them to the app, whose own check refuses them, and nothing is cached; once the
  // server has the right file, the same path keeps it.
  const copy = await mkdtemp(join(tmpdir(), "grokking-dist-"));
  await cp(dist, copy, { recursive: true });
  const reviews = join(copy, "data/imdb/reviews.bin");
  const right = await readFile(reviews);
  await writeFile(reviews, "these are not the reviews");
  const own = await serve(copy);
  const cached = (file) => page.evaluate(async (file) => {
    const name = (await caches.keys()).find((n) => n.startsWith("grokking-lab "));
    return name !== undefined && (await (await caches.open(name)).match(file)) !== undefined;
  }, file);
  await page.goto(`${own.url}#${TINY_IMDB}&n=64`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 2 * MINUTE });
  // Reloaded under the service worker, so the training worker's downloads go through it.
  await page.reload();
  await waitForDevice(page, "cpu-wasm");
  await page.click("#play");
  await page.waitForFunction(() => /could not be used.*Press ▶ Train to try again/.test((document.querySelector("#notices")?.textContent ?? "")), null, { timeout: MINUTE });
  await page.waitForTimeout(1000);
  assert.equal(await cached("data/imdb/reviews.bin"), false, "a file with the wrong SHA-256 is never kept");
  await writeFile(reviews, right);
  await page.click("#play");
  await waitForTrained(page, 2, 3 * MINUTE);
  await page.waitForFunction(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith("grokking-lab "));
    return (await (await caches.open(name)).match("data/imdb/reviews.bin")) !== undefined;
  }, null, { timeout: MINUTE, polling: 200 });
  own.close();
});

await scenario("offline-reload-trains", [], async (page) => {
  // After one visit the service worker (public/sw.js) holds the site, and the IMDB reviews
  // once a run has downloaded them: with the server stopped and the browser offline, a
  // reload renders the lab and trains (on the CPU fallback).
  const own = await serve(dist);
  const kept = () => page.evaluate(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith("grokking-lab "));
    return name ? (await (await caches.open(name)).keys()).map((r) => r.url.slice(new URL("./", location.href).href.length)) : [];
  });
  await page.goto(`${own.url}#${TINY_IMDB}&n=64`);
  await waitForDevice(page, "cpu-wasm");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 2 * MINUTE });
  const shell = await kept();
  for (const file of ["index.html", "grokking-worker_bg.wasm", "grokking-worker_loader.js", "reference/mod47-sample-wise.json"]) {
    assert.ok(shell.includes(file), `${file} is cached: ${shell}`);
  }
  assert.ok(shell.some((f) => /^grokking-app-.*_bg\.wasm$/.test(f)), "the page's wasm is cached");
  assert.ok(!shell.some((f) => f.startsWith("data/")), "the IMDB reviews wait until a run needs them");
  // The first visit's IMDB run downloads the reviews; the worker keeps them once checked.
  await page.click("#play");
  await waitForTrained(page, 2, 3 * MINUTE);
  await page.waitForFunction(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith("grokking-lab "));
    const cache = await caches.open(name);
    const files = ["data/imdb/reviews.bin", "data/imdb/vocab.txt"];
    return (await Promise.all(files.map((f) => cache.match(f)))).every((r) => r !== undefined);
  }, null, { timeout: MINUTE, polling: 200 });
  metrics.offline_cached_files = (await kept()).length;

  own.close();
  await assert.rejects(fetch(own.url), "the server is gone");
  await page.context().setOffline(true);
  const reloaded = Date.now();
  await page.evaluate((hash) => { location.hash = hash; }, `${TINY}&n=60`);
  await page.reload();
  await waitForDevice(page, "cpu-wasm");
  assert.ok(await page.isVisible("#play"), "the lab rendered offline");
  assert.equal(await page.inputValue("#modulus"), "11");
  await page.click("#play");
  await waitForTrained(page, 2, 3 * MINUTE);
  metrics.offline_reload_to_trained_s = (Date.now() - reloaded) / 1000;
  // Not here: training IMDB offline from the cached reviews. It passes locally (every run,
  // on CI's own build too) but failed twice under .ci/run — the worker's fetch of
  // data/imdb/vocab.txt failed offline although the cache held it; cause not found yet.
});

site.close();
await writeFile(`${artifacts}/e2e-metrics.json`, JSON.stringify(metrics, null, 2));
console.log("metrics", JSON.stringify(metrics));
if (failures > 0) {
  console.log(`${failures} browser scenario(s) failed; screenshots in ${artifacts}`);
  process.exit(1);
}
