// Post-build step (Trunk.toml): gives the built page a Content-Security-Policy that allows
// only this site's own files and the inline scripts this build wrote (trunk's wasm loader),
// by their SHA-256 — no other inline script, no inline event handler, nothing from other
// origins. Usage: node csp.mjs <dist-dir>/index.html
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const [file] = process.argv.slice(2);
const html = readFileSync(file, "utf8");
if (html.includes("Content-Security-Policy")) throw new Error(`${file} has a policy already`);
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`,
);
const policy = [
  "default-src 'self'",
  // WebAssembly compiles under 'wasm-unsafe-eval' (no JavaScript eval).
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  "worker-src 'self'",
  "connect-src 'self'",
  // Charts set sizes and colours in style attributes.
  "style-src 'self' 'unsafe-inline'",
  // Exported charts and run files are blob: URLs; the icon is an SVG file.
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
// First in <head>, so it governs every script after it.
const out = html.replace(/<head>/, `<head>\n  ${meta}`);
if (out === html) throw new Error(`${file} has no <head>`);
writeFileSync(file, out);
console.log(`csp: ${hashes.length} inline script(s) allowed by hash`);
