package main

import (
	"fmt"
	"os"
	"time"

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
	ev, err := trainer.EvaluatePhotoFolder(m, *dir)
	if err != nil {
		return err
	}
	fmt.Printf("%s on %d photos of %s (read, prepared and classified in %.1f s):\n\n", *weights, len(ev.Predictions), *dir, time.Since(start).Seconds())
	ev.Report(os.Stdout)
	return nil
}
