// The README's pictures, taken from the real lab: `cargo xtask screenshots` (or
// `node screenshots.mjs <dist> <out>` after `cargo xtask dist`) trains the *Tiny* preset on
// the CPU fallback in headless Chromium, every size, and photographs what a visitor sees:
// the phase diagram with its three regimes, the curves of the size that groks, and what
// that model learned (Fourier spectrum and answer grid), and the guided tour on its way. Another
// picture is the *Paper* preset's reference: the p = 113 CPU sweep, before anything trains.
//
// Real training, so the pictures take minutes (2 cores) and differ a little from run to
// run; each is written only once its chart shows what it is meant to show.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { serve } from "./serve.mjs";

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  console.error("usage: node screenshots.mjs <dist> <out>");
  process.exit(2);
}
const MINUTE = 60_000;
// The tiny preset's size that memorizes first and generalizes much later (docs/results).
const GROKKING_SIZE = 500;

await mkdir(out, { recursive: true });
const site = await serve(dist);
const browser = await launchChromium();
const started = Date.now();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  // Before anything trains: the paper's own size, read from the CLI's sweep.
  await page.goto(`${site.url}#preset=paper`);
  await page.waitForFunction(() => document.querySelectorAll("#chart-phase .phase-reference").length >= 10, null, { timeout: MINUTE });
  await shoot(page, "#chart-phase", "paper-reference-phase.png");

  await page.goto(`${site.url}#preset=tiny`);
  await page.waitForSelector("#device[data-backend='cpu-wasm']", { timeout: 2 * MINUTE });
  // Trained through the guided tour, photographed at its grokking step (the slider and the
  // accuracy chart outlined), then left.
  await page.click("[data-tour='start']");
  await page.waitForSelector("#tour[data-step='train']");
  await page.click("#play");
  await page.waitForSelector("#tour[data-step='grok']", { timeout: 10 * MINUTE });
  await page.locator("#chart-accuracy").scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(out, "tour.png") });
  await page.click("#tour-leave");
  const sizes = await page.$$eval(".slider .ticks span", (spans) => spans.length);
  await page.waitForFunction(
    (n) => document.querySelectorAll("#chart-phase .phase-point[data-regime]").length >= n,
    sizes, { timeout: 30 * MINUTE, polling: 1000 });
  const regimes = await page.$$eval("#chart-phase .phase-point[data-regime]", (points) => points.map((p) => p.dataset.regime));
  console.log(`tiny: ${sizes} sizes trained in ${((Date.now() - started) / 1000).toFixed(0)} s: ${regimes.join(", ")}`);
  await shoot(page, "#chart-phase", "phase-diagram.png");

  // The grokking size on the slider: its curves and what it learned.
  await page.click(`.slider .ticks span[title='N = ${GROKKING_SIZE}']`);
  await page.waitForFunction(() => /^latest: step/.test(document.querySelector("#scrub-step")?.textContent ?? ""), null, { timeout: MINUTE });
  await shoot(page, "#chart-accuracy", "grokking-curves.png");
  await shoot(page, "#chart-fourier", "fourier.png");
  await shoot(page, "#chart-answers", "answers.png");
  await page.screenshot({ path: join(out, "lab.png") });
  console.log(`lab.png, tour.png and 5 charts in ${out}`);
} finally {
  await browser.close();
  site.close?.();
}
process.exit(0);

async function shoot(page, selector, name) {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
  await page.locator(selector).first().screenshot({ path: join(out, name) });
}
