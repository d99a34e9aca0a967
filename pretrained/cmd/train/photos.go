package main

import (
	"fmt"
	"os"
	"time"

	"lookbook/ml/dataset"
	"lookbook/pretrained/trainer"
)

// photos reports a FashionNet's per-class accuracy on real photos of garments, through the
// page's own preprocessing.
func photos(c call) error {
	weights := c.weightsFlag("fashionnet", "FashionNet weight file")
	dir := c.String("photos", "../shared/data/clothing-photos/validation", "folder of class folders of JPEGs (the clothing photos' validation split)")
	c.parse()
	m, _, err := trainer.LoadFashionNet(*weights)
	if err != nil {
		return err
	}
	start := time.Now()
	photos, err := dataset.LoadPhotos(*dir)
	if err != nil {
		return err
	}
	inputs, err := trainer.PreparePhotos(photos)
	if err != nil {
		return err
	}
	ev := trainer.EvaluatePhotos(m, photos, inputs)
	fmt.Printf("%s on %d photos of %s (read and prepared in %.1f s):\n\n", *weights, len(photos), *dir, time.Since(start).Seconds())
	ev.Report(os.Stdout)
	return nil
}
