package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

func trainFashion(ctx context.Context, args []string, command string) error {
	fs := flag.NewFlagSet("fashionnet", flag.ExitOnError)
	var cfg trainer.FashionConfig
	fs.StringVar(&cfg.Data, "data", dataset.DefaultFashionDir, "folder with Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist)")
	scheduleFlags(fs, &cfg.Schedule, trainer.Schedule{Epochs: 24, Batch: 64, LR: 2e-3, Decay: "cosine", Warmup: 1, WeightDecay: 0.01, Flip: true, Seed: 1})
	fs.IntVar(&cfg.Shift, "shift", 2, "random shifts of up to this many pixels")
	fs.IntVar(&cfg.Val, "val", 5000, "training images held out for validation")
	fs.Float64Var(&cfg.Drawings, "drawings", 0, "share of each batch drawn as outlines or silhouettes (0 to 1)")
	fs.StringVar(&cfg.Init, "init", "", "start from this FashionNet weight file (fine-tuning) instead of random weights")
	fs.IntVar(&cfg.Limit, "limit", 0, "use only the first N training images (quick trials)")
	run := runFlags(fs, "fashionnet", command)
	fs.Parse(args)
	model, err := trainer.TrainFashion(ctx, cfg, *run)
	if err != nil {
		return err
	}
	if run.Resume {
		// The recipe is the checkpoint's; reread it for the metadata.
		if cfg, err = trainer.CheckpointConfig[trainer.FashionConfig](run.Checkpoint); err != nil {
			return err
		}
	}
	var valEval *trainer.FashionEval
	if cfg.Val > 0 {
		all, err := dataset.LoadFashion(cfg.Data, "train")
		if err != nil {
			return err
		}
		_, valIdx := trainer.FashionSplit(all.Len(), cfg.Val)
		ev := trainer.EvaluateFashion(model, all.Subset(valIdx))
		valEval = &ev
	}
	test, err := dataset.LoadFashion(cfg.Data, "t10k")
	if err != nil {
		return err
	}
	ev := trainer.EvaluateFashion(model, test)
	fmt.Println("final evaluation on the 10,000 test images:")
	ev.Report(os.Stdout)
	sets, err := drawings.Benchmark(test, drawings.BenchImages)
	if err != nil {
		return err
	}
	drawn := map[string]trainer.FashionEval{}
	for _, s := range sets {
		drawn[s.Name] = trainer.EvaluateFashion(model, s.Data)
		fmt.Printf("\ndrawing benchmark, %s (%d drawings):\n", s.Name, s.Data.Len())
		drawn[s.Name].Report(os.Stdout)
	}
	meta, err := trainer.FashionMetadata(cfg, command, ev, valEval, drawn)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, model.State(), meta, ml.SaveOptions{}); err != nil {
		return err
	}
	if err := os.WriteFile(run.Out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", run.Out, buf.Len())
	return nil
}
