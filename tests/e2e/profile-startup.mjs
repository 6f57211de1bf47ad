// Where the page's thread spends its start-up: the long tasks (> 50 ms, from navigation on)
// and a sampling profile of the same seconds (Chrome's CPU profiler over CDP), its self time
// summed per function, heaviest first — the page's own wasm functions by name when the
// build keeps its name section. Not a test: prints JSON for docs/results/browser.md.
//
// Usage: node profile-startup.mjs <dist-dir> [link after #, default the lab's] [seconds, default 4]

import { serve } from "./serve.mjs";
import { launchChromium, observeLongTasks } from "./chromium.mjs";

const [dist, link = "", seconds = "4"] = process.argv.slice(2);
const site = await serve(dist);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await observeLongTasks(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await page.goto(`${site.url}#${link}`);
  await page.waitForTimeout(Number(seconds) * 1000);
  const { profile } = await cdp.send("Profiler.stop");
  const selfMs = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}`.trim();
    selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const heaviest = [...selfMs.entries()]
    .filter(([name]) => !/^\((idle|program|garbage collector)\)/.test(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)
    .map(([name, ms]) => [name, Number(ms.toFixed(1))]);
  // Each sample also counts for the innermost of the project's own functions on its stack:
  // what the page was doing when the time went into a library (Leptos, serde, the allocator).
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownMs = new Map();
  profile.samples.forEach((id, i) => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at).callFrame.functionName;
      if (/^grokking_(app|lab)::/.test(name)) {
        const short = name.replace(/::h[0-9a-f]{16}$/, "");
        ownMs.set(short, (ownMs.get(short) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        break;
      }
    }
  });
  const own = [...ownMs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([name, ms]) => [name, Number(ms.toFixed(1))]);
  // The same per task: a task is a stretch of samples with no idle one between them; the
  // longest few, each with where its time went.
  const tasks = [];
  let current = null;
  profile.samples.forEach((id, i) => {
    const name = byId.get(id).callFrame.functionName;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (name === "(idle)") {
      current = null;
      return;
    }
    if (current === null) {
      current = { ms: 0, own: new Map() };
      tasks.push(current);
    }
    current.ms += ms;
    let owner = `${name || "(anonymous)"} (self)`;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const outer = byId.get(at).callFrame.functionName;
      if (/^grokking_(app|lab)::/.test(outer)) {
        owner = outer.replace(/::h[0-9a-f]{16}$/, "");
        break;
      }
    }
    current.own.set(owner, (current.own.get(owner) ?? 0) + ms);
  });
  const longest = tasks
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 4)
    .map((task) => ({
      ms: Number(task.ms.toFixed(1)),
      own_ms: [...task.own.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, ms]) => [name, Number(ms.toFixed(1))]),
    }));
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(JSON.stringify({ link, long_tasks: longTasks, longest_profiled_tasks: longest, own_ms: own, self_ms: heaviest }));
} finally {
  await browser.close();
  site.close();
}
