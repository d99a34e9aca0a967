package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"lookbook/pretrained/trainer"
)

func trainVAE(ctx context.Context, args []string, command string) error {
	fs := flag.NewFlagSet("vae", flag.ExitOnError)
	var cfg trainer.VAEConfig
	fs.StringVar(&cfg.Faces, "faces", "../shared/data/lfw32_1000.npy", "faces: a uint8 N×3×32×32 .npy file, or a folder of LFW JPEGs")
	fs.IntVar(&cfg.Epochs, "epochs", 400, "epochs")
	fs.IntVar(&cfg.Batch, "batch", 32, "batch size")
	fs.Float64Var(&cfg.LR, "lr", 1e-3, "peak learning rate (Adam)")
	fs.StringVar(&cfg.Schedule, "schedule", "cosine", "learning-rate schedule after warm-up: cosine or constant")
	fs.IntVar(&cfg.Warmup, "warmup", 5, "epochs of linear learning-rate warm-up")
	fs.Float64Var(&cfg.WeightDecay, "wd", 0.05, "decoupled weight decay (AdamW); 0 for plain Adam")
	fs.BoolVar(&cfg.Flip, "flip", true, "random horizontal flips")
	fs.Float64Var(&cfg.KLWeight, "kl", 1e-5, "weight of the KL term (the course's 1e-5)")
	fs.IntVar(&cfg.KLWarmup, "kl-warmup", 0, "epochs over which the KL weight ramps up from 0")
	fs.IntVar(&cfg.Train, "train", trainer.FaceTrain, "faces [0, N) train, the rest validate")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed gives the same weights on the same machine")
	out := fs.String("out", "pretrained/vae.safetensors", "weight file to write (the best validation epoch)")
	ckpt := fs.String("checkpoint", "checkpoints/vae.ckpt.safetensors", "checkpoint file")
	logPath := fs.String("log", "pretrained/vae.log.jsonl", "JSON-lines training log")
	resume := fs.Bool("resume", false, "continue from -checkpoint (its recipe wins over these flags)")
	fs.Parse(args)

	run := trainer.Run{Out: *out, Checkpoint: *ckpt, Log: *logPath, Resume: *resume, Command: command, Stdout: os.Stdout, Stderr: os.Stderr}
	res, err := trainer.TrainVAE(ctx, cfg, run, map[string]string{"command": command})
	if err != nil {
		return err
	}
	fmt.Printf("best validation MSE %.5f at epoch %d; wrote %s\n", res.BestMSE, res.BestEpoch, *out)
	return nil
}
