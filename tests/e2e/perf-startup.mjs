// Loads the page N times on the CPU fallback (no WebGPU flags), each in a fresh tab, and
// prints each load's long tasks ([start ms, duration ms], from navigation on, 3 s) — quicker
// than long-tasks.mjs, which waits for the worker. PERF=1 adds V8's --perf-basic-prof, for
// `perf record -a` of the loads. Each load has a browser context of its own (`newPage`): a
// first visit, with no service worker yet, as in the browser test. Not a test.
// Usage: node perf-startup.mjs <dist-dir> [link after #] [loads, default 3]
import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";
const [dist, link = "", loads = "3"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium(process.env.PERF ? ["--js-flags=--perf-basic-prof"] : []);
for (let i = 0; i < Number(loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await observeLongTasks(page);
  await page.goto(`${site.url}#${link}`);
  await page.waitForTimeout(3000);
  console.log(JSON.stringify(await page.evaluate(() => window.__longTasks)));
  await page.close();
}
await browser.close();
site.close();
