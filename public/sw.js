// Grokking Lab's service worker: after one visit the lab works offline.
//
// What it keeps. When it installs, every file of this build (the page, both wasm bundles
// and their JS, the worker's loader, CSS, icon, reference results) is fetched into one
// cache; the IMDB reviews (data/, 1.2 MB, fetched only when an IMDB run starts) join it the
// first time they are downloaded — the whole folder at once, when any file of it is first
// asked for (the training worker may have fetched the others before this worker took over). Every file is checked against the SHA-256 the build
// recorded before it is kept: the cache never holds an error page, a truncated body or a
// file of another deployment (a body that fails reaches the app as before, whose own checks
// and download timeout report it; it is just not kept).
//
// Versions. The build writes BUILD below (Trunk.toml's post_build hook): each file with its
// SHA-256, and a version that hashes them all. The cache is named after the scope and the
// version, and a requested file is answered from this version's cache first, the network
// second, so a tab runs one version throughout: the page and its training workers always
// come from the same build (the worker's files have fixed names, grokking-worker*.js/.wasm,
// so two builds' files must never meet).
//
// A new deployment. Its sw.js differs, so the browser installs it beside the running one,
// into a new cache, and it waits: open tabs keep running the version they loaded, workers
// restarted included. Once no tab runs the old version (the lab's tabs closed; a reload of
// the last one is not enough, the browser keeps the old page until the new one has loaded;
// a shift-reload bypasses the worker and is), the new version activates, deletes the older
// caches of this scope, and the next load is the new version. An IMDB bundle an older
// version downloaded is carried over if its bytes are still this build's.
// One narrow window: on a first visit the worker takes over the open tab (so that reviews
// downloaded in it are kept); had a deployment landed between the page's load and the
// worker's, that tab would start later workers from the newer build.
//
// Without BUILD (a dev-server build: trunk serve's live reload would otherwise be answered
// from the previous build's cache) the worker removes this scope's caches and unregisters.

const BUILD = null; // replaced by the build: { "version": "…", "files": [["path", "sha256"], …] }

const scope = new URL(self.registration.scope);
const PREFIX = `grokking-lab ${scope.href} `;
/// Fetched when the app first asks, not at install.
const ON_DEMAND = "data/";

if (BUILD === null) {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => {
    event.waitUntil(deleteCaches(() => true).then(() => self.registration.unregister()));
  });
} else {
  const CACHE = PREFIX + BUILD.version;
  const FILES = new Map(BUILD.files);

  self.addEventListener("install", (event) => {
    event.waitUntil(install(CACHE));
  });
  self.addEventListener("activate", (event) => {
    event.waitUntil(deleteCaches((name) => name !== CACHE).then(() => self.clients.claim()));
  });
  self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") return;
    const url = new URL(request.url);
    if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
    let path = url.pathname.slice(scope.pathname.length);
    if (request.mode === "navigate" && path === "") path = "index.html";
    const sha = FILES.get(path);
    if (sha === undefined) return; // not this build's: the browser fetches it as usual
    event.respondWith(answer(event, CACHE, path, sha));
  });

  async function install(name) {
    const cache = await caches.open(name);
    const older = (await caches.keys()).filter((other) => other.startsWith(PREFIX) && other !== name);
    await Promise.all(BUILD.files.map(async ([path, sha]) => {
      const url = new URL(path, scope).href;
      if (await cache.match(url)) return; // kept by an earlier attempt (checked then)
      if (path.startsWith(ON_DEMAND)) {
        for (const other of older) {
          const response = await (await caches.open(other)).match(url);
          if (response && await keep(cache, url, response, sha).then(() => true, () => false)) return;
        }
        return;
      }
      // Revalidated, not taken from the HTTP cache blindly; the SHA-256 check has the last word.
      await keep(cache, url, await fetch(url, { cache: "no-cache" }), sha);
    }));
  }

  async function answer(event, name, path, sha) {
    const url = new URL(path, scope).href;
    const cache = await caches.open(name);
    const cached = await cache.match(url);
    if (cached) return cached;
    const response = await fetch(event.request);
    if (response.status === 200) {
      // Kept once it has arrived whole and checked; never an error (404, 5xx, a wrong body).
      const kept = keep(cache, url, response.clone(), sha).catch(() => {});
      // An on-demand bundle is kept whole: the training worker may have fetched some of
      // its files past this service worker (it can start before the worker takes over the
      // first visit's tab), and half a bundle cannot train offline.
      event.waitUntil(path.startsWith(ON_DEMAND) ? kept.then(() => keepSiblings(cache, path)) : kept);
    }
    return response;
  }

  /// Fetches and keeps the files of `path`'s folder that the cache lacks.
  async function keepSiblings(cache, path) {
    const folder = path.slice(0, path.lastIndexOf("/") + 1);
    await Promise.all(BUILD.files.filter(([other]) => other !== path && other.startsWith(folder)).map(async ([other, sha]) => {
      const url = new URL(other, scope).href;
      if (await cache.match(url)) return;
      await keep(cache, url, await fetch(url, { cache: "no-cache" }), sha).catch(() => {});
    }));
  }
}

/// Puts `response` into `cache` if it is a 200 whose body has the build's SHA-256; throws if not.
async function keep(cache, url, response, sha) {
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== sha) throw new Error(`${url}: not this build's file (SHA-256 ${hex})`);
  await cache.put(url, new Response(body, { status: 200, statusText: response.statusText, headers: response.headers }));
}

async function deleteCaches(which) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PREFIX) && which(name)).map((name) => caches.delete(name)));
}
