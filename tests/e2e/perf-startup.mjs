// Loads the page N times on the CPU fallback (no WebGPU flags), each in a fresh tab, and
// prints each load's long tasks ([start ms, duration ms], from navigation on, 3 s) — quicker
// than long-tasks.mjs, which waits for the worker. PERF=1 adds V8's --perf-basic-prof, for
// `perf record -a` of the loads. Not a test.
// Usage: node perf-startup.mjs <dist-dir> [link after #] [loads, default 3]
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { BASE_ARGS } from "./chromium.mjs";
const [dist, link = "", loads = "3"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...(process.env.PERF ? ["--js-flags=--perf-basic-prof"] : [])] });
for (let i = 0; i < Number(loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => { window.__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true }); });
  await page.goto(`${site.url}#${link}`);
  await page.waitForTimeout(3000);
  console.log(JSON.stringify(await page.evaluate(() => window.__lt)));
  await page.close();
}
await browser.close();
site.close();
