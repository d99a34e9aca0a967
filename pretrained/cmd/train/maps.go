package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/ml/pca"
	"lookbook/ml/tsne"
	"lookbook/pretrained/trainer"
)

// features writes FashionNet's 128-d features of the test set, and the labels, as .npy files.
func features(c call) error {
	weights, data := c.weightsFlag("fashionnet", "FashionNet weights"), c.fashionFlag()
	out := c.String("out", "build/features.npy", "features .npy to write (N×128 float32)")
	labelsOut := c.String("labels", "build/labels.npy", "labels .npy to write (N float32)")
	c.parse()
	test, feats, _, err := testFeatures(*weights, *data)
	if err != nil {
		return err
	}
	labels := make([]float32, test.Len())
	for i, l := range test.Labels {
		labels[i] = float32(l)
	}
	if err := writeNPY(*out, feats, test.Len(), ml.FashionNetLatent); err != nil {
		return err
	}
	if err := writeNPY(*labelsOut, labels, test.Len()); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s (%d images)\n", *out, *labelsOut, test.Len())
	return nil
}

func writeNPY(path string, data []float32, shape ...int) error {
	return writeFile(path, func(w io.Writer) error { return dataset.WriteNPY(w, data, shape...) })
}

// embedNPY maps any N×D float32 .npy to coordinates.
func embedNPY(fs call) error {
	in := fs.String("in", "build/features.npy", "N×D float32 .npy of features")
	out := fs.String("out", "build/coords.npy", "N×dims float32 .npy of coordinates to write")
	labelsPath := fs.String("labels", "", "optional N labels .npy, for the 10-NN accuracy")
	method := fs.String("method", "tsne", "tsne, umap or pca")
	cfg := tsne.DefaultConfig(2)
	fs.IntVar(&cfg.Dims, "dims", 2, "output dimensions: 2 or 3")
	fs.Float64Var(&cfg.Perplexity, "perplexity", cfg.Perplexity, "perplexity")
	fs.IntVar(&cfg.Iterations, "iter", cfg.Iterations, "iterations (early exaggeration included)")
	fs.Float64Var(&cfg.Theta, "theta", cfg.Theta, "Barnes-Hut accuracy; 0 for the exact O(N²) gradient")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed (only used with -random-init)")
	randomInit := fs.Bool("random-init", false, "start from random noise instead of PCA")
	fs.parse()
	arr, err := dataset.ReadNPY(*in)
	if err != nil {
		return err
	}
	if arr.DType != "<f4" || len(arr.Shape) != 2 {
		return fmt.Errorf("%s: %s%v, want an N×D float32 matrix", *in, arr.DType, arr.Shape)
	}
	n, d := arr.Shape[0], arr.Shape[1]
	var labels []int
	if *labelsPath != "" {
		la, err := dataset.ReadNPY(*labelsPath)
		if err != nil {
			return err
		}
		if labels, err = la.Labels(n); err != nil {
			return fmt.Errorf("%s: %w", *labelsPath, err)
		}
	}
	y, q, err := trainer.Embed(arr.F32, n, d, labels, *method, cfg, *randomInit, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Println(q)
	out32 := make([]float32, len(y))
	for i, v := range y {
		out32[i] = float32(v)
	}
	return writeNPY(*out, out32, n, cfg.Dims)
}

// maps writes the browser's map data for the test set.
func maps(c call) error {
	weights, data := c.weightsFlag("fashionnet", "FashionNet weights"), c.fashionFlag()
	out := c.String("out", "pretrained/maps.safetensors", "map file to write")
	cfg := tsne.DefaultConfig(2)
	c.IntVar(&cfg.Iterations, "iter", cfg.Iterations, "t-SNE iterations")
	c.Float64Var(&cfg.Perplexity, "perplexity", cfg.Perplexity, "t-SNE perplexity")
	c.parse()
	test, feats, preds, err := testFeatures(*weights, *data)
	if err != nil {
		return err
	}
	n, d := test.Len(), ml.FashionNetLatent
	labels := make([]int, n)
	for i, l := range test.Labels {
		labels[i] = int(l)
	}
	p3, err := pca.Fit(feats, n, d, 3)
	if err != nil {
		return err
	}
	mf := &format.Maps{Labels: test.Labels, Predictions: preds, Images: test.Pixels, Features: feats,
		PCAMean: ml.Floats[float32](p3.Mean), PCAComponents: ml.Floats[float32](p3.Components), Perplexity: cfg.Perplexity,
		Meta: map[string]string{"weights": *weights, "command": c.command}}
	for k, name := range format.MapNames {
		c := cfg
		c.Dims = format.MapDims(k)
		method := strings.TrimRight(name, "23")
		y, q, err := trainer.Embed(feats, n, d, labels, method, c, false, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Println(q)
		mf.Coords[k] = ml.Floats[float32](y)
		mf.Meta[name] = q.String()
	}
	return writeFile(*out, func(w io.Writer) error { return format.EncodeMaps(w, mf) })
}

// testFeatures loads FashionNet and the Fashion-MNIST test set and computes the set's features
// and predictions.
func testFeatures(weights, data string) (*dataset.Fashion, []float32, []byte, error) {
	m, _, err := trainer.LoadFashionNet(weights)
	if err != nil {
		return nil, nil, nil, err
	}
	test, err := dataset.LoadFashion(data, "t10k")
	if err != nil {
		return nil, nil, nil, err
	}
	feats, preds := trainer.Features(m, test)
	return test, feats, preds, nil
}
