package tsne

import (
	"sort"

	"lookbook/ml"
	"lookbook/ml/knn"
)

// nearestInEmbedding returns, for each of the n points of y (n×dims), its k nearest others.
func nearestInEmbedding(y []float64, n, dims, k int) [][]int {
	out := make([][]int, n)
	ml.ParallelFor(n, func(lo, hi int) {
		best := knn.NewBest(k)
		for i := lo; i < hi; i++ {
			best.Reset()
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				var d2 float64
				for a := 0; a < dims; a++ {
					diff := y[i*dims+a] - y[j*dims+a]
					d2 += diff * diff
				}
				best.Offer(j, d2)
			}
			idx := make([]int, best.Len())
			best.Sorted(idx, nil)
			sort.Ints(idx)
			out[i] = idx
		}
	})
	return out
}

// Trustworthiness measures how far the embedding's k nearest neighbours are from being the
// data's own k nearest (1 is perfect), exactly as scikit-learn's sklearn.manifold.trustworthiness
// (Venna & Kaski 2001) computes it with the Euclidean metric.
func Trustworthiness(x []float32, n, d int, y []float64, dims, k int) float64 {
	emb := nearestInEmbedding(y, n, dims, k)
	norms := knn.SquaredNorms(x, n, d)
	penalty := make([]float64, n)
	for lo := 0; lo < n; lo += rowBlock {
		hi := min(lo+rowBlock, n)
		dots := make([]float32, (hi-lo)*n)
		ml.MatMul(hi-lo, n, d, ml.Mat{Data: x[lo*d:], Stride: d}, ml.Mat{Data: x, Stride: d, Trans: true}, dots, n, false)
		ml.ParallelFor(hi-lo, func(a, b int) {
			dist := make([]float64, n)
			for r := a; r < b; r++ {
				i := lo + r
				for j := 0; j < n; j++ {
					dist[j] = norms[i] + norms[j] - 2*float64(dots[r*n+j])
				}
				for _, j := range emb[i] {
					// Rank of j among i's neighbours in the data (1 = nearest, ties by index).
					rank := 1
					for l := 0; l < n; l++ {
						if l != i && (dist[l] < dist[j] || dist[l] == dist[j] && l < j) {
							rank++
						}
					}
					if rank > k {
						penalty[i] += float64(rank - k)
					}
				}
			}
		})
	}
	var total float64
	for _, v := range penalty {
		total += v
	}
	fn, fk := float64(n), float64(k)
	return 1 - total*2/(fn*fk*(2*fn-3*fk-1))
}

// KNNAccuracy is the leave-one-out accuracy of a k-nearest-neighbour vote in the embedding: how
// often a point's k nearest others mostly share its label (ties go to the smallest label).
func KNNAccuracy(y []float64, n, dims int, labels []int, k int) float64 {
	emb := nearestInEmbedding(y, n, dims, k)
	correct := 0
	for i, nb := range emb {
		votes := map[int]int{}
		for _, j := range nb {
			votes[labels[j]]++
		}
		best, bestVotes := -1, -1
		for label, v := range votes {
			if v > bestVotes || v == bestVotes && label < best {
				best, bestVotes = label, v
			}
		}
		if best == labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(n)
}
