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
