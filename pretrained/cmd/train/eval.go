package main

import (
	"fmt"
	"os"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

func evaluate(c call) error {
	weights := c.weightsFlag("fashionnet", "weight file (FashionNet or VAE, told apart by its metadata)")
	data, faces := c.fashionFlag(), c.facesFlag("faces (VAE): validation is faces 900 on")
	draw := c.Int("drawings", drawings.BenchImages, "FashionNet: also evaluate the drawing benchmark on this many test images (0: skip)")
	c.parse()

	raw, err := os.ReadFile(*weights)
	if err != nil {
		return err
	}
	kind := "fashionnet"
	if _, meta, err := ml.DecodeSafetensors(raw); err == nil && meta["model"] == "vae" {
		kind = "vae"
	}
	switch kind {
	case "vae":
		m, meta, val, err := vaeAndValidation(*weights, *faces)
		if err != nil {
			return err
		}
		mse := trainer.EvaluateVAE(m, val)
		fmt.Printf("%s: validation MSE %.5f on faces %d–%d (z = mean); metadata says %s\n", *weights, mse, trainer.FaceTrain, trainer.FaceTrain+val.Len()-1, meta["val_mse"])
	default:
		m, meta, err := trainer.LoadFashionNet(*weights)
		if err != nil {
			return err
		}
		test, err := dataset.LoadFashion(*data, "t10k")
		if err != nil {
			return err
		}
		fmt.Printf("%s on the Fashion-MNIST test set (metadata says %s):\n", *weights, meta["test_accuracy"])
		_, _, err = reportFashion(m, test, *draw)
		return err
	}
	return nil
}

// reportFashion evaluates m on the test set and on the drawing benchmark made of its first n
// images (none when n is 0), prints every report, and returns the figures.
func reportFashion(m *ml.FashionNet, test *dataset.Fashion, n int) (trainer.FashionEval, map[string]trainer.FashionEval, error) {
	ev := trainer.EvaluateFashion(m, test)
	ev.Report(os.Stdout)
	drawn := map[string]trainer.FashionEval{}
	if n == 0 {
		return ev, drawn, nil
	}
	sets, err := drawings.Benchmark(test, n)
	if err != nil {
		return ev, nil, err
	}
	for _, s := range sets {
		drawn[s.Name] = trainer.EvaluateFashion(m, s.Data)
		fmt.Printf("\n%s: drawings (pretrained/drawings; %d images):\n", s.Name, s.Data.Len())
		drawn[s.Name].Report(os.Stdout)
		if s.Name == "outlines" {
			byBrush(m, s.Data)
		}
	}
	return ev, drawn, nil
}

// byBrush prints the outlines' accuracy at each brush size (the set holds each image's
// drawings at drawings.BenchBrushes in turn).
func byBrush(m *ml.FashionNet, outlines *dataset.Fashion) {
	for k, brush := range drawings.BenchBrushes {
		var idx []int
		for i := k; i < outlines.Len(); i += len(drawings.BenchBrushes) {
			idx = append(idx, i)
		}
		fmt.Printf("  brush %d: %.2f%%\n", brush, 100*trainer.EvaluateFashion(m, outlines.Subset(idx)).Accuracy)
	}
}
