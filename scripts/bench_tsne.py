"""scikit-learn 1.2's t-SNE on the same features as Lookbook's, side by side.

Usage (run through scripts/bench_tsne.sh): bench_tsne.py FEATURES.npy LABELS.npy DIMS
Prints time, KL divergence, trustworthiness (k = 12) and 10-NN accuracy, the figures the Go
`tsne` subcommand prints, with scikit-learn's defaults (Barnes-Hut, perplexity 30, PCA
initialisation, automatic learning rate, 1000 iterations) and n_jobs=2.
"""
import sys
import time

import numpy as np
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import KNeighborsClassifier
from sklearn.model_selection import cross_val_score


def main():
    x = np.load(sys.argv[1]).astype(np.float32)
    labels = np.load(sys.argv[2]).astype(int)
    dims = int(sys.argv[3])
    t0 = time.perf_counter()
    tsne = TSNE(n_components=dims, perplexity=30, init="pca", learning_rate="auto", n_iter=1000,
                method="barnes_hut", angle=0.5, n_jobs=2, random_state=0)
    y = tsne.fit_transform(x)
    seconds = time.perf_counter() - t0
    tw = trustworthiness(x, y, n_neighbors=12)
    # Leave-one-out 10-NN vote, like Go's KNNAccuracy: ask for 11 neighbours and drop self.
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=11).fit(y)
    idx = nn.kneighbors(y, return_distance=False)[:, 1:]
    votes = np.array([np.bincount(labels[i], minlength=10) for i in idx])
    acc = float(np.mean(votes.argmax(axis=1) == labels))
    print(f"scikit-learn {dims}D: trustworthiness(12) {tw:.4f}, 10-NN accuracy {acc:.4f}, {seconds:.1f}s, KL {tsne.kl_divergence_:.4f}")


if __name__ == "__main__":
    main()
