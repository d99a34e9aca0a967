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
	window.lookbook.classify = (pixels) => {
		if (!window.lookbook._classify) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		const r = window.lookbook._classify(pixels);
		if (r instanceof Error) throw r;
		return r;
	};
	window.lookbook.decode = (z) => {
		if (!window.lookbook._decode) throw new Error("Lookbook is not ready yet: await lookbook.ready first");
		const r = window.lookbook._decode(z);
		if (r instanceof Error) throw r;
		return r;
	};
	window.lookbookResolveReady = () => {
		window.lookbook.timings.readyMs = performance.now();
		resolveReady(window.lookbook);
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

	// vugu's renderer installs its helper with eval(), which this page's Content-Security-Policy
	// forbids. The helper is loaded as vugu.js instead; the helper's own first line returns at
	// once when it is already installed, so answering eval with nothing is exactly what running
	// it would do. Any other use of eval is refused, as the policy intends.
	window.eval = function () {
		if (window.vuguRender) return undefined;
		throw new EvalError("eval is disabled on this page");
	};

	if (!document.createElement("canvas").getContext("webgl2")) {
		fail("This browser cannot run Lookbook: it needs WebGL2. Try a current Chrome, Edge, Firefox or Safari.");
		return;
	}

	async function download(url, expected) {
		const res = await fetch(url);
		if (!res.ok) throw new Error(`downloading the program failed (HTTP ${res.status})`);
		if (!res.body || !expected) return new Uint8Array(await res.arrayBuffer());
		const reader = res.body.getReader();
		const bytes = new Uint8Array(expected);
		let got = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (got + value.length > bytes.length) throw new Error("the program download is larger than expected");
			bytes.set(value, got);
			got += value.length;
			const pct = Math.round((100 * got) / expected);
			bar.style.width = pct + "%";
			text.textContent = `Loading… ${(got / 1048576).toFixed(1)} of ${(expected / 1048576).toFixed(1)} MB`;
		}
		if (got !== expected) throw new Error("the program download was cut short; check your connection");
		return bytes;
	}

	// The classifier's weights download alongside the program: by the time Go asks for them
	// (while ebiten's first frames keep the main thread busy) they are already here.
	window.lookbook._fashionnet = fetch(body.dataset.fashionnet).then((res) => {
		if (!res.ok) throw new Error(`downloading the classifier's weights failed (HTTP ${res.status})`);
		return res.arrayBuffer();
	});
	window.lookbook._fashionnet.catch(() => {}); // reported by the program when it awaits it

	async function start() {
		const t0 = performance.now();
		const bytes = await download(body.dataset.wasm, Number(body.dataset.wasmSize));
		text.textContent = "Starting…";
		const go = new Go();
		window.lookbook.timings.downloadedMs = performance.now() - t0;
		const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
		window.lookbook.timings.compiledMs = performance.now();
		// The program instantiates its SIMD kernel on its own memory (see wasm/kernels).
		window.lookbook._goMemory = instance.exports.mem;
		await go.run(instance);
		// go.run settles only if the program exits, which it never should.
		fail("Lookbook stopped unexpectedly. Reloading the page usually helps.");
	}
	start().catch((e) => fail(String(e && e.message ? e.message : e)));
})();
