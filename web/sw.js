// Lookbook's service worker: it keeps this build's files so that, after one visit, the app
// starts and classifies with the network off, and keeps the Map's and Faces' data once they
// have been opened. The bundle (server/cmd/bundle) fills in BUILD and PRECACHE.
"use strict";
const BUILD = "__BUILD__"; // a hash of this build's file names
const PRECACHE = __PRECACHE__; // what a first visit to Classify needs, index.html first
const CACHE = "lookbook-" + BUILD;
// Content-hashed names (name.<12 hex>.ext): the same name is always the same bytes.
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

// Chromium can park a new worker in "waiting" although it called skipWaiting(), when a fetch
// reaches the old worker just as it would take over; the page then asks again (keepUpdating in
// loader.js), which activates it once the old worker is idle.
self.addEventListener("message", (event) => {
	if (event.data === "skip-waiting") self.skipWaiting();
});

// A new build's worker removes older builds' files. Pages of an older build never ask for a
// newer build's files or the other way round: every asset is named by its content, and the
// page itself comes from the network whenever there is one.
self.addEventListener("activate", (event) => {
	event.waitUntil(caches.keys()
		.then((keys) => Promise.all(keys.filter((k) => k.startsWith("lookbook-") && k !== CACHE).map((k) => caches.delete(k))))
		.then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== "GET" || url.origin !== self.location.origin) return;
	if (request.mode === "navigate") {
		// The page: the newest from the network, else this build's copy.
		event.respondWith(fetch(request).catch(async () => (await caches.open(CACHE)).match(PRECACHE[0]) || Response.error()));
		return;
	}
	if (!HASHED.test(url.pathname)) return;
	event.respondWith((async () => {
		const cache = await caches.open(CACHE);
		const hit = await cache.match(request);
		if (hit) return hit;
		const response = await fetch(request);
		if (response.ok) cache.put(request, response.clone()); // e.g. the map data, once opened
		return response;
	})());
});
