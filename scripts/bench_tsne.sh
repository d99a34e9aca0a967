#!/usr/bin/env bash
# t-SNE of FashionNet's 10,000 test-set features (128-d), ours and scikit-learn's, 2D and 3D.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
go build -o build/train ./pretrained/cmd/train
build/train features -out build/features.npy -labels build/labels.npy
for dims in 2 3; do
	build/train tsne -in build/features.npy -labels build/labels.npy -dims "$dims" -out "build/tsne$dims.npy" 2>/dev/null
	OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/bench_tsne.py build/features.npy build/labels.npy "$dims"
done
build/train tsne -method pca -in build/features.npy -labels build/labels.npy -dims 2 -out build/pca2.npy
