// Go's wasm_exec_node.js, plus what the browser's loader also does for wasm/kernels: the
// program's memory goes to lookbook._goMemory, and the kernels' imports are provided.
"use strict";
const path = require("path");
const { execFileSync } = require("child_process");
globalThis.require = require;
globalThis.fs = require("fs");
globalThis.path = path;
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("performance");
globalThis.crypto ??= require("crypto");
const goroot = process.env.GOROOT || execFileSync("go", ["env", "GOROOT"]).toString().trim();
require(path.join(goroot, "lib", "wasm", "wasm_exec.js"));

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
go.exit = process.exit;
// The program calls its SIMD kernels as imports, forwarded to the instance that wasm/kernels
// puts at lookbook._kernels (web/loader.js does the same).
go.importObject.lookbook_kernels = Object.fromEntries(["tiles", "dots", "gather", "ftiles", "scatter", "bias_act", "bn_back", "bn_apply", "add_rows", "max_pool2", "pack_bt", "pack_b", "copy_rows", "im2col", "col2im", "adam", "relu", "relu_back", "lanes_sum", "lanes_dot", "lanes_sqdev", "half_sum", "tsne_rep2", "tsne_attr2", "knn_scan", "umap_epoch"].map((name) =>
	[name, (a, b, c, d, e, f, g, h, i, j, k, l, m, n) => globalThis.lookbook._kernels[name](a, b, c, d, e, f, g, h, i, j, k, l, m, n)]));
WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject).then((result) => {
	globalThis.lookbook = { _goMemory: result.instance.exports.mem };
	process.on("exit", (code) => {
		if (code === 0 && !go.exited) {
			go._pendingEvent = { id: 0 };
			go._resume();
		}
	});
	return go.run(result.instance);
}).catch((err) => {
	console.error(err);
	process.exit(1);
});
