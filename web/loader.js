// Lookbook's loader: downloads the WebAssembly program with real progress, starts it, and
// turns any failure into a clear message with a retry. It also creates window.lookbook with its
// `ready` promise, which the program resolves once the classifier is loaded.
"use strict";
(() => {
	const body = document.body;
	const boot = document.getElementById("boot");
	const bar = document.getElementById("boot-bar");
	const text = document.getElementById("boot-text");
	const errBox = document.getElementById("boot-error");

	let resolveReady, resolveFailed;
	// ready resolves when the app can be used; failed resolves with a message if it never will.
	window.lookbook = {
		timings: {},
		downloads: [], // files the page offered (name, type, size), for tests
		ready: new Promise((r) => { resolveReady = r; }),
		failed: new Promise((r) => { resolveFailed = r; }),
	};
	// One input at a time goes straight to the program's exports (lookbook_classify,
	// lookbook_decode), which read and write buffers in its memory at lookbook._io.
	const call = (name, input, length, what) => {
		const api = window.lookbook, io = api._io;
		if (!io) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		if (input == null || input.length !== length) throw new Error(what);
		new Float32Array(api._goMemory.buffer, io.in, length).set(input);
		return api._goExports[name]();
	};
	const output = (length) => new Float32Array(window.lookbook._goMemory.buffer, window.lookbook._io.out, length);
	window.lookbook.classify = (pixels) => {
		const index = call("lookbook_classify", pixels, 1024, "lookbook.classify takes a Float32Array of 1024 values (32×32, in [0, 1])");
		if (index < 0) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		const labels = window.lookbook._labels, n = labels.length; // 10, or 11 with a taught class
		const out = output(2 * n);
		return { label: labels[index], index, probabilities: Array.from(out.subarray(n, 2 * n)), logits: Array.from(out.subarray(0, n)) };
	};
	window.lookbook.decode = (z) => {
		if (call("lookbook_decode", z, 120, "lookbook.decode takes a Float32Array of 120 latent values") < 0) {
			throw new Error("the face model is not loaded: open the Faces view first");
		}
		return output(3 * 32 * 32).slice();
	};
	// Batches: n inputs back to back in one array (n ≤ 4096), the outputs likewise.
	const batch = (name, input, width, outWidth, what) => {
		const f = window.lookbook[name];
		if (!f) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		const n = input == null ? 0 : input.length / width;
		if (!Number.isInteger(n) || n < 1 || n > 4096) throw new Error(what);
		const x = input instanceof Float32Array ? input : Float32Array.from(input);
		const out = new Float32Array(n * outWidth);
		const r = f(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), new Uint8Array(out.buffer));
		if (r instanceof Error) throw r;
		return out;
	};
	window.lookbook.classifyBatch = (pixels) => batch("_classifyBatch", pixels, 1024, (window.lookbook._labels || []).length || 10,
		"lookbook.classifyBatch takes a Float32Array of n·1024 values (n images of 32×32 in [0, 1], 1 ≤ n ≤ 4096)");
	window.lookbook.decodeBatch = (z) => batch("_decodeBatch", z, 120, 3 * 32 * 32,
		"lookbook.decodeBatch takes a Float32Array of n·120 latent values (1 ≤ n ≤ 4096)");
	// Explanations: the options' types are checked here, their values (class and block ranges,
	// input values) by the program, which can only return its errors.
	const explainMethods = ["gradcam", "integrated-gradients", "occlusion", "stepwise-occlusion"];
	window.lookbook.explain = (options) => {
		const f = window.lookbook._explain;
		if (!f) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		const usage = 'lookbook.explain takes {method: "gradcam" | "integrated-gradients" | "occlusion" | "stepwise-occlusion", input?: Float32Array(1024), class?: integer, block?: 1 to 4}';
		if (options == null || typeof options !== "object") throw new Error(usage);
		const {method, input} = options;
		if (!explainMethods.includes(method)) throw new Error(`lookbook.explain: unknown method ${JSON.stringify(method)}; want "gradcam", "integrated-gradients", "occlusion" or "stepwise-occlusion"`);
		const integer = (name) => {
			const v = options[name];
			if (v === undefined || v === null) return null;
			if (!Number.isInteger(v)) throw new Error(`lookbook.explain: ${name} must be an integer, got ${JSON.stringify(v)}`);
			return v;
		};
		const cls = integer("class"), block = integer("block");
		let bytes = null;
		if (input !== undefined && input !== null) {
			if (typeof input.length !== "number" || input.length !== 1024) throw new Error("lookbook.explain: input must be a Float32Array of 1024 values (32×32, in [0, 1])");
			const x = input instanceof Float32Array ? input : Float32Array.from(input);
			bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
		}
		const map = new Float32Array(1024);
		const r = f(method, cls, block, bytes, new Uint8Array(map.buffer));
		if (r instanceof Error) throw r;
		r.map = map;
		return r;
	};
	// Reads an uploaded picture for the program, in one promise (so the program waits for a busy
	// main thread once): a photo of more than `above` pixels (from its JPEG or PNG header) comes
	// back as its pixels fitted to maxSide, {width, height, data} (RGBA, not premultiplied),
	// decoded at a fraction of its size by WebCodecs' ImageDecoder where there is one (a
	// 12-megapixel JPEG at an eighth of its size, in a fraction of the time), else by
	// createImageBitmap; anything else, or a photo the browser cannot decode, comes back as
	// {bytes} (an ArrayBuffer), for the program to decode and judge.
	window.lookbook._readPicture = async (file, maxSide, above, most) => {
		const bytes = await file.arrayBuffer();
		const size = pictureSize(new DataView(bytes));
		if (!size || size.width * size.height <= above || size.width * size.height > most) return {bytes};
		const k = maxSide / Math.max(size.width, size.height);
		const fit = (w, h) => { const f = Math.min(1, maxSide / Math.max(w, h)); return [Math.max(1, Math.floor(w * f)), Math.max(1, Math.floor(h * f))]; };
		const pixels = (picture, [w, h]) => {
			const canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext("2d");
			ctx.drawImage(picture, 0, 0, w, h);
			return {width: w, height: h, data: ctx.getImageData(0, 0, w, h).data};
		};
		try {
			if (window.ImageDecoder && await ImageDecoder.isTypeSupported(file.type)) {
				const decoder = new ImageDecoder({data: bytes, type: file.type,
					desiredWidth: Math.max(1, Math.round(size.width * k)), desiredHeight: Math.max(1, Math.round(size.height * k))});
				try {
					const {image} = await decoder.decode();
					try { return pixels(image, fit(image.displayWidth, image.displayHeight)); } finally { image.close(); }
				} finally { decoder.close(); }
			}
			// Only the width: the browser keeps the aspect ratio after turning the photo by its
			// EXIF orientation, which the header's width and height do not know of.
			const bitmap = await createImageBitmap(new Blob([bytes], {type: file.type}), {resizeWidth: Math.max(1, Math.round(size.width * k)), resizeQuality: "medium"});
			try { return pixels(bitmap, fit(bitmap.width, bitmap.height)); } finally { bitmap.close(); }
		} catch (e) {
			return {bytes};
		}
	};
	// The width and height in a JPEG's frame header or a PNG's IHDR, or null.
	function pictureSize(v) {
		if (v.byteLength >= 24 && v.getUint32(0) === 0x89504e47) return {width: v.getUint32(16), height: v.getUint32(20)};
		if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return null;
		for (let i = 2; i + 9 < v.byteLength;) {
			if (v.getUint8(i) !== 0xff) return null;
			const marker = v.getUint8(i + 1);
			if (marker === 0xff) { i++; continue; } // fill
			if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
				return {width: v.getUint16(i + 7), height: v.getUint16(i + 5)};
			}
			i += 2 + v.getUint16(i + 2);
		}
		return null;
	}
	// keepUpdating asks a new build's worker that is left waiting to take over, every few
	// seconds until it has (see the message handler in sw.js): otherwise this build's files would
	// stay the offline copy until every tab closed.
	function keepUpdating(registration) {
		const nudge = () => {
			if (!registration.waiting) return;
			registration.waiting.postMessage("skip-waiting");
			setTimeout(nudge, 3000);
		};
		registration.addEventListener("updatefound", () => {
			const worker = registration.installing;
			worker?.addEventListener("statechange", () => {
				if (worker.state === "installed") setTimeout(nudge, 1000);
			});
		});
		nudge();
	}
	window.lookbookResolveReady = () => {
		window.lookbook.timings.readyMs = performance.now();
		resolveReady(window.lookbook);
		// Once the app works, keep this build for offline use (not before: the worker's
		// downloads would compete with the first prediction's).
		if ("serviceWorker" in navigator) {
			navigator.serviceWorker.register("sw.js").then(keepUpdating, (e) => console.warn("Lookbook works online only here:", e.message));
		}
		boot.classList.add("done");
		setTimeout(() => { boot.hidden = true; }, 300);
	};
	const fail = (message) => {
		boot.hidden = false;
		boot.classList.remove("done");
		text.textContent = "Lookbook could not start.";
		document.getElementById("boot-error-text").textContent = message;
		errBox.hidden = false;
		bar.parentElement.hidden = true;
		resolveFailed(message);
	};
	window.lookbookFail = fail;
	document.getElementById("boot-retry").addEventListener("click", () => location.reload());

	if (!document.createElement("canvas").getContext("webgl2")) {
		fail("This browser cannot run Lookbook: it needs WebGL2. Try a current Chrome, Edge, Firefox or Safari.");
		return;
	}

	// progress reads the program's download (a copy of the response) to drive the bar, and
	// settles when it is complete, with a clear message if it was cut short or ran over.
	async function progress(res, expected) {
		const reader = res.body.getReader();
		let got = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			got += value.length;
			if (got > expected) throw new Error("the program download is larger than expected");
			bar.style.width = Math.round((100 * got) / expected) + "%";
			text.textContent = `Loading… ${(got / 1048576).toFixed(1)} of ${(expected / 1048576).toFixed(1)} MB`;
		}
		if (got !== expected) throw new Error("the program download was cut short; check your connection");
		window.lookbook.timings.downloadedMs = performance.now();
		text.textContent = "Starting…";
	}

	// instantiate downloads and compiles the program at once: the browser compiles it while it
	// streams in (and caches the compiled code for the next visit), and a copy of the stream
	// drives the progress bar.
	async function instantiate(url, expected, imports) {
		const res = await fetch(url);
		if (!res.ok) throw new Error(`downloading the program failed (HTTP ${res.status})`);
		if (!WebAssembly.instantiateStreaming || !res.body || !expected) { // older browsers
			const { instance } = await WebAssembly.instantiate(await res.arrayBuffer(), imports);
			return instance;
		}
		const downloaded = progress(res.clone(), expected);
		downloaded.catch(() => {}); // awaited below
		let result;
		try {
			result = await WebAssembly.instantiateStreaming(res, imports);
		} catch (e) {
			await downloaded; // a cut download explains a failed compilation better than the compiler
			throw e;
		}
		await downloaded;
		return result.instance;
	}

	// The classifier's weights download alongside the program: by the time Go asks for them
	// (while ebiten's first frames keep the main thread busy) they are already here.
	window.lookbook._fashionnet = fetch(body.dataset.fashionnet).then((res) => {
		if (!res.ok) throw new Error(`downloading the classifier's weights failed (HTTP ${res.status})`);
		return res.arrayBuffer();
	});
	window.lookbook._fashionnet.catch(() => {}); // reported by the program when it awaits it

	async function start() {
		const go = new Go();
		// The program calls its SIMD kernels as imports, forwarded to the instance it puts at
		// lookbook._kernels once it has made it on its own memory (scripts/wasmexec does the same).
		go.importObject.lookbook_kernels = Object.fromEntries(["tiles", "dots", "gather", "ftiles", "scatter", "bias_act", "bn_back", "bn_apply", "add_rows", "max_pool2", "pack_bt", "pack_b", "copy_rows", "im2col", "col2im", "adam", "relu", "relu_back", "lanes_sum", "lanes_dot", "lanes_sqdev", "half_sum", "tsne_rep2", "tsne_attr2", "knn_scan", "umap_epoch"].map((name) =>
			[name, (a, b, c, d, e, f, g, h, i, j, k, l, m, n) => window.lookbook._kernels[name](a, b, c, d, e, f, g, h, i, j, k, l, m, n)]));
		const instance = await instantiate(body.dataset.wasm, Number(body.dataset.wasmSize), go.importObject);
		window.lookbook.timings.compiledMs = performance.now();
		// The program instantiates its SIMD kernel on its own memory (see wasm/kernels).
		window.lookbook._goMemory = instance.exports.mem;
		window.lookbook._goExports = instance.exports;
		await go.run(instance);
		// go.run settles only if the program exits, which it never should.
		fail("Lookbook stopped unexpectedly. Reloading the page usually helps.");
	}
	start().catch((e) => fail(String(e && e.message ? e.message : e)));
})();
