// Trains a preset on the CPU fallback with one worker while `perf record -a` samples the
// machine: V8's --perf-basic-prof writes /tmp/perf-<pid>.map, which names the worker's wasm
// functions when its wasm keeps its name section (wasm-bindgen --keep-debug, no wasm-opt;
// docs/results/browser.md has the recipe). V8 also leaves isolate-*.log files in the
// current directory. Not a test.
// Usage: node perf-worker.mjs <dist-dir> [preset, default tiny] [seconds, default 30]
import { serve } from "./serve.mjs";
import { launchChromium } from "./chromium.mjs";
const [dist, preset = "tiny", seconds = "30"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium(["--js-flags=--perf-basic-prof"]);
const page = await browser.newPage();
await page.goto(`${site.url}#preset=${preset}&workers=1`);
await page.waitForSelector(`#device[data-backend='cpu-wasm']`, { timeout: 120_000 });
await page.click("#play");
console.log("PLAYING", Date.now());
await page.waitForTimeout(Number(seconds) * 1000);
console.log(await page.evaluate(() => document.querySelector("#status").textContent));
await browser.close();
site.close();
