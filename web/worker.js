// Lookbook's workers: each runs one of the app's worker programs (wasm/cmd/mapworker for the
// live maps, wasm/cmd/trainworker for training) off the page's main thread. The page's first
// message names the program and the (content-hashed) files to load; messages that arrive while
// the program starts wait for it.
"use strict";
const waiting = [];
self.onmessage = (e) => {
	const m = e.data;
	if (m && m.type === "init") {
		start(m).catch((err) => self.postMessage({ type: "failed", message: String(err && err.message ? err.message : err) }));
	} else if (self.lookbookWorker) {
		self.lookbookWorker(m);
	} else {
		waiting.push(m);
	}
};

// The program calls this once it listens (having set self.lookbookWorker).
self.lookbookWorkerReady = () => {
	for (const m of waiting.splice(0)) self.lookbookWorker(m);
	self.postMessage({ type: "ready" });
};

async function start(m) {
	importScripts(m.wasmExec);
	const go = new Go();
	// The program's SIMD kernel imports, forwarded to the instance wasm/kernels makes on the
	// program's own memory (as web/loader.js does for the page's program).
	go.importObject.lookbook_kernels = Object.fromEntries(["tiles", "dots", "gather", "ftiles", "scatter", "bias_act", "bn_back", "bn_apply", "add_rows", "max_pool2", "pack_bt", "pack_b", "copy_rows", "im2col", "col2im", "adam", "relu", "relu_back", "lanes_sum", "lanes_dot", "lanes_sqdev", "half_sum", "tsne_rep2", "tsne_attr2", "knn_scan", "umap_epoch"].map((name) =>
		[name, (a, b, c, d, e, f, g, h, i, j, k, l, n, o) => self.lookbook._kernels[name](a, b, c, d, e, f, g, h, i, j, k, l, n, o)]));
	const res = await fetch(m.wasm);
	if (!res.ok) throw new Error(`downloading ${m.what} failed (HTTP ${res.status})`);
	const { instance } = WebAssembly.instantiateStreaming
		? await WebAssembly.instantiateStreaming(res, go.importObject)
		: await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
	self.lookbook = { _goMemory: instance.exports.mem };
	await go.run(instance);
	self.postMessage({ type: "failed", message: `${m.what} stopped` });
}
