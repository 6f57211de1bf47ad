// Every long task (> 50 ms) of the page's thread from navigation on, as the page itself
// reports it (`#perf[data-longest-task-ms]`) and as an observer installed before the page's
// scripts sees it, on the CPU fallback (no WebGPU flags). Not a test: prints JSON for
// docs/results/browser.md.
//
// Usage: node long-tasks.mjs <dist-dir> [loads per link, default 3] [link after #]...

import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";

const [dist, loads = "3", ...given] = process.argv.slice(2);
const links = given.length > 0 ? given : [
  "modulus=11&d-model=16&heads=2&d-mlp=32&steps=200&eval-every=20&eval-start=even&sizes=30,60",
  "preset=three-regimes",
];
const site = await serve(dist);
const browser = await launchChromium();
const results = [];
try {
  for (const link of links) {
    for (let i = 0; i < Number(loads); i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await observeLongTasks(page);
      await page.goto(`${site.url}#${link}`);
      // The workers are ready (their wasm compiled) and a reference, if any, is on screen.
      await page.waitForSelector("#device[data-backend='cpu-wasm']", { timeout: 60000 });
      await page.waitForTimeout(6000);
      const reported = Number(await page.getAttribute("#perf", "data-longest-task-ms"));
      const observed = await page.evaluate(() => window.__longTasks);
      results.push({ link, reported_ms: reported, long_tasks: observed });
      await page.close();
    }
  }
} finally {
  await browser.close();
  site.close();
}
for (const result of results) console.log(JSON.stringify(result));
