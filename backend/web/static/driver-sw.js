// The driver page's service worker: the page and its assets from the network when there is
// one, else from the copy kept at the last visit, so the page opens with no signal too (its
// data: the route kept in localStorage, the reports queued there). The API is never cached.
const CACHE = "recyclenet-driver-v1";
const SHELL = ["/console/driver", "/static/app.js", "/static/driver.js", "/static/console.css",
               "/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  event.respondWith(
    fetch(event.request)
      .then((resp) => {
        if (resp.ok) { const copy = resp.clone(); caches.open(CACHE).then((cache) => cache.put(url.pathname, copy)); }
        return resp;
      })
      .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error())),
  );
});
