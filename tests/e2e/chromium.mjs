// How the browser tests and the browser benchmark start Debian's headless Chromium.

export const BASE_ARGS = [
  "--no-sandbox", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
];
// WebGPU on SwiftShader (a CPU adapter): correct but slow.
export const WEBGPU_ARGS = [
  "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-webgpu-adapter=swiftshader",
  "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-angle=swiftshader",
];

// Launches Debian's Chromium (or $CHROMIUM) headless with the base flags and `args`.
export async function launchChromium(args = []) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...args] });
}

// Records every long task of `page` from navigation on in `window.__longTasks` as
// [start ms, duration ms]: installed before the page's scripts, buffered.
export async function observeLongTasks(page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push([Math.round(entry.startTime), Math.round(entry.duration)]);
    }).observe({ type: "longtask", buffered: true });
  });
}
