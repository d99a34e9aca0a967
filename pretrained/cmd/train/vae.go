package main

import (
	"fmt"

	"lookbook/pretrained/trainer"
)

func trainVAE(fs call) error {
	var cfg trainer.VAEConfig
	faces := fs.facesFlag("faces: a uint8 N×3×32×32 .npy file, or a folder of LFW JPEGs")
	scheduleFlags(fs, &cfg.Schedule, trainer.Schedule{Epochs: 400, Batch: 32, LR: 1e-3, Decay: "cosine", Warmup: 5, WeightDecay: 0.05, Flip: true, Seed: 1})
	fs.Float64Var(&cfg.KLWeight, "kl", 1e-5, "weight of the KL term (the course's 1e-5)")
	fs.IntVar(&cfg.KLWarmup, "kl-warmup", 0, "epochs over which the KL weight ramps up from 0")
	fs.IntVar(&cfg.Train, "train", trainer.FaceTrain, "faces [0, N) train, the rest validate")
	run := runFlags(fs, "vae")
	fs.parse()
	cfg.Faces = *faces
	res, err := trainer.TrainVAE(fs.ctx, cfg, *run, map[string]string{"command": fs.command})
	if err != nil {
		return err
	}
	fmt.Printf("best validation MSE %.5f at epoch %d; wrote %s\n", res.BestMSE, res.BestEpoch, run.Out)
	return nil
}
