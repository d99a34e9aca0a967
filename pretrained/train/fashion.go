package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/trainer"
)

func trainFashion(ctx context.Context, args []string, command string) error {
	fs := flag.NewFlagSet("fashionnet", flag.ExitOnError)
	var cfg trainer.FashionConfig
	fs.StringVar(&cfg.Data, "data", dataset.DefaultFashionDir, "folder with Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist)")
	fs.IntVar(&cfg.Epochs, "epochs", 24, "epochs")
	fs.IntVar(&cfg.Batch, "batch", 64, "batch size")
	fs.Float64Var(&cfg.LR, "lr", 2e-3, "peak learning rate (Adam)")
	fs.StringVar(&cfg.Schedule, "schedule", "cosine", "learning-rate schedule after warm-up: cosine or constant")
	fs.IntVar(&cfg.Warmup, "warmup", 1, "epochs of linear learning-rate warm-up")
	fs.Float64Var(&cfg.WeightDecay, "wd", 0.01, "decoupled weight decay (AdamW); 0 for plain Adam")
	fs.BoolVar(&cfg.Flip, "flip", true, "random horizontal flips")
	fs.IntVar(&cfg.Shift, "shift", 2, "random shifts of up to this many pixels")
	fs.IntVar(&cfg.Val, "val", 5000, "training images held out for validation")
	fs.IntVar(&cfg.Limit, "limit", 0, "use only the first N training images (quick trials)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed gives the same weights on the same machine")
	out := fs.String("out", "pretrained/fashionnet.safetensors", "weight file to write")
	ckpt := fs.String("checkpoint", "checkpoints/fashionnet.ckpt.safetensors", "checkpoint file")
	logPath := fs.String("log", "pretrained/fashionnet.log.jsonl", "JSON-lines training log")
	resume := fs.Bool("resume", false, "continue from -checkpoint (its recipe wins over these flags)")
	fs.Parse(args)

	run := trainer.Run{Out: *out, Checkpoint: *ckpt, Log: *logPath, Resume: *resume, Command: command, Stdout: os.Stdout, Stderr: os.Stderr}
	model, err := trainer.TrainFashion(ctx, cfg, run)
	if err != nil {
		return err
	}
	if *resume {
		// The recipe is the checkpoint's; reread it for the metadata.
		if cfg, err = trainer.CheckpointConfig[trainer.FashionConfig](*ckpt); err != nil {
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
	meta, err := trainer.FashionMetadata(cfg, command, ev, valEval)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, model.State(), meta, ml.SaveOptions{}); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", *out, buf.Len())
	return nil
}
