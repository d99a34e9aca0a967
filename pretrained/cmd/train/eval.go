package main

import (
	"flag"
	"fmt"
	"os"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

func evaluate(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ExitOnError)
	weights := fs.String("weights", "pretrained/fashionnet.safetensors", "weight file (FashionNet or VAE, told apart by its metadata)")
	data := fs.String("data", dataset.DefaultFashionDir, "Fashion-MNIST folder (FashionNet)")
	faces := fs.String("faces", "../shared/data/lfw32_1000.npy", "faces (VAE): validation is faces 900 on")
	draw := fs.Int("drawings", drawings.BenchImages, "FashionNet: also evaluate the drawing benchmark on this many test images (0: skip)")
	fs.Parse(args)

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
		m, meta, err := trainer.LoadVAE(*weights)
		if err != nil {
			return err
		}
		all, err := dataset.LoadFaces(*faces)
		if err != nil {
			return err
		}
		mse := trainer.EvaluateVAE(m, all.Slice(trainer.FaceTrain, all.Len()))
		fmt.Printf("%s: validation MSE %.5f on faces %d–%d (z = mean); metadata says %s\n", *weights, mse, trainer.FaceTrain, all.Len()-1, meta["val_mse"])
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
		trainer.EvaluateFashion(m, test).Report(os.Stdout)
		if *draw > 0 {
			sets, err := drawings.Benchmark(test, *draw)
			if err != nil {
				return err
			}
			for _, s := range sets {
				fmt.Printf("\n%s: drawings (pretrained/drawings; %d images):\n", s.Name, s.Data.Len())
				trainer.EvaluateFashion(m, s.Data).Report(os.Stdout)
				if s.Name == "outlines" {
					byBrush(m, s.Data)
				}
			}
		}
	}
	return nil
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
