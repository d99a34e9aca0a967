# Lookbook: `make run` builds everything and serves the app; `make test` runs every check.
GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
# go test runs js/wasm test binaries through this wrapper (Node.js; see scripts/wasmexec).
WASM_EXEC := $(CURDIR)/scripts/wasmexec
ADDR      ?= 127.0.0.1:8080
# Fashion-MNIST (Debian's dataset-fashion-mnist): the Train view downloads its files as they are.
FASHION_DIR ?= /usr/share/datasets/fashion-mnist
# Every js/wasm command builds with -trimpath (no local paths in the program), so that vet, the
# wasm tests and the program share one set of compiled packages in Go's build cache.
WASM_GO   := GOOS=js GOARCH=wasm GOFLAGS=-trimpath $(GO)
# The packages built for the browser: the program, everything it imports, and the packages with
# js-only files (ml, wasm/kernels, wasm/app). The others (trainer, server, browser tests) have
# no file of their own for js/wasm, so vetting them there would repeat the native vet.
WASM_PKGS := ./ml/... ./wasm/...

.PHONY: all test run dist web generate deps-test fmt-check vet test-native test-wasm bench bench-torch bench-tsne maps replay golden explain fuzz kernels bench-web bench-browser

all: test

## run: build everything (vugu components, the wasm program, the bundle, the server) and serve it.
run: web
	$(GO) build -o build/lookbook ./server/cmd/lookbook
	build/lookbook -addr $(ADDR)


## dist: the app as a folder any static host can serve (hashed assets, precompressed variants,
## _headers with the CSP and caching rules): publish build/dist as it is.
dist: web
	rm -rf build/dist
	$(GO) run ./server/cmd/lookbook -dist build/dist

## web: the browser bundle in server/dist (embedded by the server at build time).
web: generate
	@test -f pretrained/fashionnet.safetensors || { echo "pretrained/fashionnet.safetensors is missing: see README (Training)"; exit 1; }
	rm -rf build/web && mkdir -p build/web
	$(WASM_GO) build -ldflags="-s -w" -o build/web/app.wasm ./wasm/app
	$(WASM_GO) build -ldflags="-s -w" -o build/web/mapworker.wasm ./wasm/cmd/mapworker
	$(WASM_GO) build -ldflags="-s -w" -o build/web/trainworker.wasm ./wasm/cmd/trainworker
	cp web/index.html web/loader.js web/style.css web/favicon.svg web/manifest.webmanifest web/sw.js web/worker.js build/web/
	@for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do \
		if [ -f $(FASHION_DIR)/$$f.gz ]; then cp $(FASHION_DIR)/$$f.gz build/web/fashion-$$f.gzip; \
		else echo "note: no $(FASHION_DIR)/$$f.gz: the Train view will say it cannot train FashionNet (sudo apt-get install dataset-fashion-mnist)"; fi; \
	done
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" build/web/
	$(GO) run ./wasm/cmd/vuguhelper -js build/web/vugu.js
	cp pretrained/fashionnet.safetensors pretrained/vae.safetensors pretrained/faces.safetensors pretrained/trainfaces.safetensors pretrained/maps.safetensors pretrained/replay.safetensors pretrained/sketches/sketches.json build/web/
	$(GO) run ./server/cmd/bundle -in build/web -out server/dist $(BUNDLE_FLAGS)

## generate: vugu components (wasm/app/0_components_gen.go) from the .vugu files.
generate:
	scripts/vugugen.sh

## test: formatting, vet (native and js/wasm), the bundle, all tests natively (headless
## Chromium included), and the ml tests under js/wasm.
test: deps-test fmt-check vet web test-native test-wasm

# The tests need what the server sends, not its smallest bytes: make test's bundle is compressed
# at brotli's quick level (see server/cmd/bundle), which saves about 50 s of a fresh clone's run.
# make web, run, dist and the measurements (which refuse a quick bundle) use the best levels.
test: BUNDLE_FLAGS = -quick

# Packages the tests need: the Fashion-MNIST test set (the shipped weights are evaluated on it),
# Chromium (browser tests), Node.js (runs the js/wasm tests) and npm (the browser tests install
# Playwright and axe-core, pinned by e2e/node/package-lock.json).
deps-test:
	@scripts/ensure-deps.sh dataset-fashion-mnist chromium
	@command -v node >/dev/null || scripts/ensure-deps.sh nodejs
	@command -v npm >/dev/null || scripts/ensure-deps.sh npm

fmt-check:
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	$(WASM_GO) vet $(WASM_PKGS)

test-native:
	$(GO) test -count=1 ./...

# Under Node, -short gives the slowest structure tests fewer trials (natively they run in full).
test-wasm:
	PATH="$(WASM_EXEC):$$PATH" $(WASM_GO) test -count=1 -short ./ml/... ./wasm/kernels/ ./wasm/livemap/ ./wasm/mapview/ ./wasm/share/

## bench-web: our wasm inference against ONNX Runtime Web on the same weights, side by side in
## headless Chromium (needs python3-torch for the ONNX export and npm for onnxruntime-web; both
## only for this benchmark).
bench-web: web
	@scripts/ensure-deps.sh python3-torch
	@command -v npm >/dev/null || scripts/ensure-deps.sh npm
	mkdir -p build/bench-web
	OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/export_onnx.py build/bench-web
	cd build/bench-web && test -d node_modules/onnxruntime-web || npm install --no-audit --no-fund --silent onnxruntime-web@1.30.0
	cp build/bench-web/node_modules/onnxruntime-web/dist/ort.wasm.min.js build/bench-web/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs build/bench-web/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm build/bench-web/
	LOOKBOOK_BENCH_WEB=$(CURDIR)/build/bench-web $(GO) test -count=1 -run TestBenchWeb -v ./e2e | grep -v '^=== RUN'

## bench-browser: the page's own figures in headless Chromium (first visit, first prediction,
## drawing → prediction, map frames and placement, Faces frames), medians of fresh visits,
## written to e2e/artifacts/*measurements.txt. Measurements, so not part of make test.
bench-browser: web
	@scripts/ensure-deps.sh chromium
	LOOKBOOK_MEASURE=1 $(GO) test -count=1 -timeout 60m -run 'Measure' -v ./e2e | grep -v '^=== RUN'

## kernels: regenerate and reassemble the browser's SIMD kernel (needs python3 and wabt).
kernels:
	@scripts/ensure-deps.sh wabt
	cd wasm/kernels && python3 gen_wat.py && wat2wasm kernels.wat -o kernels.wasm

## bench: the ml benchmarks natively (see README for PyTorch's figures on the same machine).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./ml

## bench-torch: PyTorch 1.13 on the same steps, side by side with ours.
bench-torch:
	@scripts/ensure-deps.sh python3-torch
	scripts/bench_torch.sh

## bench-tsne: our t-SNE against scikit-learn's on the shipped model's test-set features.
bench-tsne:
	@scripts/ensure-deps.sh python3-sklearn
	scripts/bench_tsne.sh

## maps: regenerate the shipped latent maps from the shipped FashionNet.
maps:
	$(GO) run ./pretrained/cmd/train maps

## replay: regenerate the Teach view's replay sample (training-set features) from the shipped FashionNet.
replay:
	$(GO) run ./pretrained/cmd/train replay

## golden: regenerate the PyTorch golden fixtures (needs python3-torch; the explanations' also
## need the Fashion-MNIST test set, and are remade whenever the shipped weights change).
golden:
	@scripts/ensure-deps.sh python3-torch dataset-fashion-mnist
	OPENBLAS_NUM_THREADS=1 /usr/bin/python3 ml/testdata/make_golden.py
	OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pretrained/testdata/make_explain_golden.py

## explain: the explanations' deletion test on the 10,000 test images (pretrained/explain.txt;
## about 15 minutes on 2 cores).
explain:
	$(GO) run ./pretrained/cmd/train explain

## fuzz: fuzz the weight loader for FUZZTIME (default 5m).
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./ml -run '^$$' -fuzz FuzzLoadState -fuzztime $(FUZZTIME)
