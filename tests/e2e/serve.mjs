// A static file server for the built site (dist/), on an ephemeral localhost port.
// `prefix` serves it from a sub-path as a project's GitHub Pages site is
// (https://user.github.io/grokking-lab/): everything outside the prefix is a 404.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json", ".bin": "application/octet-stream",
};

export async function serve(root, { prefix = "/" } = {}) {
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url, "http://x").pathname;
    if (!pathname.startsWith(prefix)) return response.writeHead(404).end("not found");
    const path = normalize(decodeURIComponent(pathname.slice(prefix.length - 1))).replace(/^(\.\.[/\\])+/, "");
    const file = join(root, path.endsWith("/") ? path + "index.html" : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => server.close() };
}
