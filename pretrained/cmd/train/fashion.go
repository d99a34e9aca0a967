package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

func trainFashion(fs call) error {
	var cfg trainer.FashionConfig
	data := fs.fashionFlag()
	scheduleFlags(fs, &cfg.Schedule, trainer.Schedule{Epochs: 24, Batch: 64, LR: 2e-3, Decay: "cosine", Warmup: 1, WeightDecay: 0.01, Flip: true, Seed: 1})
	fs.IntVar(&cfg.Shift, "shift", 2, "random shifts of up to this many pixels")
	fs.IntVar(&cfg.Val, "val", fashionVal, "training images held out for validation")
	fs.Float64Var(&cfg.Drawings, "drawings", 0, "share of each batch drawn as outlines or silhouettes (0 to 1)")
	fs.StringVar(&cfg.Photos, "photos", "", "folder of class folders of garment photos to train on (../shared/data/clothing-photos/train)")
	fs.Float64Var(&cfg.PhotoShare, "photo-share", 0, "share of each batch taken from -photos (0 to 1)")
	fs.IntVar(&cfg.PhotoVariants, "photo-variants", 8, "augmented cut-outs made of each photo")
	fs.IntVar(&cfg.PhotoCuts, "photo-cuts", 1, "how many of each photo's cuts the variants take in turn (1: the first, as before; 2: also GrabCut's from a rectangle)")
	fs.StringVar(&cfg.ValPhotos, "val-photos", "", "folder of garment photos reported after every epoch (../shared/data/clothing-photos/validation)")
	fs.StringVar(&cfg.Init, "init", "", "start from this FashionNet weight file (fine-tuning) instead of random weights")
	fs.Float64Var(&cfg.Distil, "distil", 0, "with -init, keep Fashion-MNIST's and the drawings' answers close to the -init model's: the weight of its probabilities in their targets (0 to 1)")
	fs.IntVar(&cfg.Limit, "limit", 0, "use only the first N training images (quick trials)")
	run := runFlags(fs, "fashionnet")
	fs.parse()
	cfg.Data = *data
	model, err := trainer.TrainFashion(fs.ctx, cfg, *run)
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
	fmt.Println("final evaluation on the 10,000 test images:")
	ev, drawn, err := reportFashion(model, test, drawings.BenchImages)
	if err != nil {
		return err
	}
	meta, err := trainer.FashionMetadata(cfg, fs.command, ev, valEval, drawn)
	if err != nil {
		return err
	}
	if cfg.ValPhotos != "" {
		pe, err := trainer.EvaluatePhotoFolder(model, cfg.ValPhotos)
		if err != nil {
			return err
		}
		fmt.Printf("\nphotos (%s):\n\n", cfg.ValPhotos)
		pe.Report(os.Stdout)
		meta["photo_accuracy"] = strconv.FormatFloat(pe.Accuracy(), 'f', 4, 64)
	}
	return writeFile(run.Out, func(w io.Writer) error { return ml.SaveState(w, model.State(), meta, ml.SaveOptions{}) })
}
