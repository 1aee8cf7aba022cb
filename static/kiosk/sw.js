/* Kiosk service worker: the shell and the survey stay available without a network.
 * Answers are not touched here: the page queues them in IndexedDB and sends them itself. */
"use strict";

var VERSION = "__KIOSK_VERSION__";
var PRECACHE = __KIOSK_PRECACHE__;
var SHELL = PRECACHE[0];
var CACHE = "kiosk-shell-" + VERSION;
var DATA = "kiosk-data";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        // Versioned assets the page has just loaded come from the HTTP cache, not the network again.
        var mode = url.indexOf("?v=") > 0 ? "force-cache" : "no-cache";
        return fetch(new Request(url, { cache: mode, credentials: "same-origin" })).then(function (res) {
          if (!res.ok) throw new Error("precache " + url + ": " + res.status);
          return cache.put(url, res);
        });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("kiosk-shell-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The shell: from the cache at once (the kiosk starts instantly, online or not), refreshed behind.
function shell(event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(SHELL).then(function (cached) {
      var fresh = fetch(event.request).then(function (res) {
        // Only a shell of this worker's version is kept: a newer one refers to assets this cache
        // lacks, so it waits for the new worker, which caches shell and assets together.
        if (res.ok && res.headers.get("X-Kiosk-Version") === VERSION) {
          return cache.put(SHELL, res.clone()).then(function () { return res; });
        }
        if (res.ok) self.registration.update();
        return res;
      });
      if (cached) {
        event.waitUntil(fresh.catch(function () { return null; }));
        return cached;
      }
      return fresh;
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    return cached || fetch(request).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return res;
    });
  });
}

// The survey: fresh when the network answers, the last copy when it does not.
function networkFirst(request) {
  return fetch(request).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(DATA).then(function (cache) { cache.put(request.url, copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(DATA).then(function (cache) { return cache.match(request.url); }).then(function (cached) {
      if (cached) return cached;
      throw new Error("offline and no stored survey");
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === new URL(SHELL, self.location).pathname) {
    event.respondWith(shell(event));
  } else if (url.pathname.indexOf("/static/kiosk/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === "/api/v1/kiosk/survey") {
    event.respondWith(networkFirst(request));
  }
});
