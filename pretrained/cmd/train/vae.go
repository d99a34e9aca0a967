package main

import (
	"context"
	"flag"
	"fmt"

	"lookbook/pretrained/trainer"
)

func trainVAE(ctx context.Context, args []string, command string) error {
	fs := flag.NewFlagSet("vae", flag.ExitOnError)
	var cfg trainer.VAEConfig
	fs.StringVar(&cfg.Faces, "faces", "../shared/data/lfw32_1000.npy", "faces: a uint8 N×3×32×32 .npy file, or a folder of LFW JPEGs")
	scheduleFlags(fs, &cfg.Schedule, trainer.Schedule{Epochs: 400, Batch: 32, LR: 1e-3, Decay: "cosine", Warmup: 5, WeightDecay: 0.05, Flip: true, Seed: 1})
	fs.Float64Var(&cfg.KLWeight, "kl", 1e-5, "weight of the KL term (the course's 1e-5)")
	fs.IntVar(&cfg.KLWarmup, "kl-warmup", 0, "epochs over which the KL weight ramps up from 0")
	fs.IntVar(&cfg.Train, "train", trainer.FaceTrain, "faces [0, N) train, the rest validate")
	run := runFlags(fs, "vae", command)
	fs.Parse(args)
	res, err := trainer.TrainVAE(ctx, cfg, *run, map[string]string{"command": command})
	if err != nil {
		return err
	}
	fmt.Printf("best validation MSE %.5f at epoch %d; wrote %s\n", res.BestMSE, res.BestEpoch, run.Out)
	return nil
}
