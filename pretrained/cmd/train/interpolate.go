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

// fashionVal is the validation split every FashionNet recipe holds out (-val's default).
const fashionVal = 5000

// interpolate writes a FashionNet between a model and its fine-tuning (WiSE-FT), evaluated on
// the test set, the drawing benchmark and the photos, with those figures in its metadata.
func interpolate(c call) error {
	from := c.String("from", "", "the FashionNet that -to was fine-tuned from")
	to := c.String("to", "", "the fine-tuned FashionNet")
	alpha := c.Float64("alpha", 0.5, "how far from -from towards -to (0 to 1)")
	out := c.String("out", "pretrained/fashionnet.safetensors", "weight file to write")
	data := c.fashionFlag()
	photoDir := c.String("photos", "../shared/data/clothing-photos/validation", "garment photos to report (class folders of JPEGs)")
	c.parse()
	if *from == "" || *to == "" || *alpha < 0 || *alpha > 1 {
		return fmt.Errorf("interpolate: needs -from, -to and -alpha between 0 and 1")
	}
	a, _, err := trainer.LoadFashionNet(*from)
	if err != nil {
		return err
	}
	b, meta, err := trainer.LoadFashionNet(*to)
	if err != nil {
		return err
	}
	m := trainer.InterpolateFashionNet(a, b, *alpha)
	// The validation split, on which alpha is chosen (the test set reports).
	train, err := dataset.LoadFashion(*data, "train")
	if err != nil {
		return err
	}
	_, valIdx := trainer.FashionSplit(train.Len(), fashionVal)
	val := trainer.EvaluateFashion(m, train.Subset(valIdx))
	fmt.Printf("alpha %g: Fashion-MNIST validation accuracy %.2f%% (%d training images held out)\n", *alpha, 100*val.Accuracy, fashionVal)
	test, err := dataset.LoadFashion(*data, "t10k")
	if err != nil {
		return err
	}
	fmt.Printf("%.2f·%s + %.2f·%s on the Fashion-MNIST test set:\n", 1-*alpha, *from, *alpha, *to)
	ev, drawn, err := reportFashion(m, test, drawings.BenchImages)
	if err != nil {
		return err
	}
	// The fine-tuning's recipe and data stay in the metadata; the figures are this model's.
	meta["command"], meta["interpolated"] = c.command, fmt.Sprintf("(1 - %g)·%s + %g·%s", *alpha, *from, *alpha, *to)
	meta["test_accuracy"] = strconv.FormatFloat(ev.Accuracy, 'f', 4, 64)
	meta["test_loss"] = strconv.FormatFloat(ev.Loss, 'f', 4, 64)
	meta["val_accuracy"] = strconv.FormatFloat(val.Accuracy, 'f', 4, 64)
	for set, e := range drawn {
		meta[trainer.DrawingMetaKey(set)] = strconv.FormatFloat(e.Accuracy, 'f', 4, 64)
	}
	if pe, err := trainer.EvaluatePhotoFolder(m, *photoDir); err == nil {
		fmt.Printf("\nphotos (%s):\n\n", *photoDir)
		pe.Report(os.Stdout)
		meta["photo_accuracy"] = strconv.FormatFloat(pe.Accuracy(), 'f', 4, 64)
	}
	return writeFile(*out, func(w io.Writer) error { return ml.SaveState(w, m.State(), meta, ml.SaveOptions{}) })
}
