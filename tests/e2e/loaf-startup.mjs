// What fills each long task at start-up, cheaply: Chrome's Long Animation Frames API
// (script time by invoker, then style and layout, then paint), without the tracer's or the
// profiler's own cost. Loads the page N times on the CPU fallback, each in a fresh tab, and
// prints each load's long tasks and every animation frame over 30 ms. Not a test.
// Usage: node loaf-startup.mjs <dist-dir> [link after #] [loads, default 3]
import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";
const [dist, link = "", loads = "3"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium();
for (let i = 0; i < Number(loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await observeLongTasks(page);
  await page.addInitScript(() => {
    window.__frames = [];
    new PerformanceObserver((list) => {
      for (const f of list.getEntries()) {
        if (f.duration < 30) continue;
        const end = f.startTime + f.duration;
        window.__frames.push({
          at: Math.round(f.startTime), ms: Math.round(f.duration),
          // Rendering: style and layout, then paint and the rest of the frame's update.
          style_layout: Math.round((f.styleAndLayoutStart ? end - f.styleAndLayoutStart : 0)),
          render: Math.round(f.renderStart ? end - f.renderStart : 0),
          scripts: f.scripts.map((s) => `${Math.round(s.duration)} ${s.invokerType}:${s.invoker} ${s.sourceFunctionName}` + (s.forcedStyleAndLayoutDuration > 1 ? ` forced ${Math.round(s.forcedStyleAndLayoutDuration)}` : "")),
        });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  });
  await page.goto(`${site.url}#${link}`);
  await page.waitForTimeout(3000);
  console.log(JSON.stringify(await page.evaluate(() => ({ long_tasks: window.__longTasks, frames: window.__frames }))));
  await page.close();
}
await browser.close();
site.close();
