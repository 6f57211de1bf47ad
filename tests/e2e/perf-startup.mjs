// Loads the page N times on the CPU fallback (no WebGPU flags), each in a fresh tab, and
// prints each load's long tasks ([start ms, duration ms], from navigation on, 3 s) — quicker
// than long-tasks.mjs, which waits for the worker. PERF=1 adds V8's --perf-basic-prof, for
// `perf record -a` of the loads. FRESH=1 gives each load a browser context of its own (a
// first visit: no service worker yet, as in the browser test); otherwise the loads share
// one, and the later ones are repeat visits. Not a test.
// Usage: node perf-startup.mjs <dist-dir> [link after #] [loads, default 3]
import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";
const [dist, link = "", loads = "3"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium(process.env.PERF ? ["--js-flags=--perf-basic-prof"] : []);
for (let i = 0; i < Number(loads); i++) {
  const context = process.env.FRESH ? await browser.newContext() : browser.contexts()[0] ?? await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await observeLongTasks(page);
  await page.goto(`${site.url}#${link}`);
  await page.waitForTimeout(3000);
  console.log(JSON.stringify(await page.evaluate(() => window.__longTasks)));
  await page.close();
  if (process.env.FRESH) await context.close();
}
await browser.close();
site.close();
