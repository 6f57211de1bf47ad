// What fills the page's long tasks at start-up, as Chrome's own trace sees them (layout,
// style, lazy wasm compilation, script), where a JavaScript sampling profile shows only
// "(program)". Each main-thread task over 40 ms, with the trace events inside it summed by
// name. Not a test: for docs/results/browser.md.
//
// Usage: [MIN_MS=40] [TOP=18] node trace-startup.mjs <dist-dir> [link after #]
// (tasks over MIN_MS, each with its TOP events; "at": ms after the first task shown)

import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";
const [dist, link = ""] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await observeLongTasks(page);
const cdp = await page.context().newCDPSession(page);
const events = [];
cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
await cdp.send("Tracing.start", { traceConfig: { includedCategories: ["devtools.timeline", "v8", "v8.wasm", "disabled-by-default-v8.compile", "blink", "loading", "toplevel"] }, transferMode: "ReportEvents" });
await page.goto(`${site.url}#${link}`);
await page.waitForTimeout(5000);
const longTasks = await page.evaluate(() => window.__longTasks);
await cdp.send("Tracing.end");
await done;
await browser.close(); site.close();
// The page's thread is the renderer's main thread.
const names = events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
const mains = new Set(names.map((e) => `${e.pid}:${e.tid}`));
const onMain = events.filter((e) => mains.has(`${e.pid}:${e.tid}`) && e.ph === "X");
const tasks = onMain.filter((e) => (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") && e.dur > Number(process.env.MIN_MS ?? 40) * 1000).sort((a, b) => a.ts - b.ts);
// Each layout over 5 ms: how many objects it laid out, and when (ms on the trace clock).
for (const e of onMain.filter((e) => e.name === "Layout" && e.dur > 5000)) console.log("LAYOUT", (e.dur/1000).toFixed(1), JSON.stringify(e.args?.beginData ?? {}).slice(0, 200), Math.round(e.ts/1000));
console.log("LONG TASKS (the page's own observer, [start, ms])", JSON.stringify(longTasks));
for (const t of tasks) {
  const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur);
  const byName = new Map();
  for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  console.log("TASK", (t.dur / 1000).toFixed(1), "ms at", Math.round((t.ts - tasks[0].ts) / 1000));
  for (const [n, ms] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 18))) console.log("   ", ms.toFixed(1), n);
}
