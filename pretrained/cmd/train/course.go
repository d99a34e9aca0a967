package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"lookbook/ml/course"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/pretrained/trainer"
)

// courseCmd runs one of the Train view's experiments natively, on the data the page trains
// on (Fashion-MNIST, or the faces decoded from the shipped codes), with the page's options as
// JSON: the reference the page's runs are compared with.
func courseCmd(c call) error {
	options := c.String("options", `{"model": "vae"}`, "the run's options, as lookbook.train takes them (JSON)")
	data := c.fashionFlag()
	weights := c.weightsFlag("vae", "the shipped VAE, which decodes the faces' codes")
	codes := c.String("codes", "pretrained/trainfaces.safetensors", "every face's latent code (train gallery -from 0)")
	c.parse()
	var o course.Options
	if err := json.Unmarshal([]byte(*options), &o); err != nil {
		return fmt.Errorf("-options: %w", err)
	}
	var run *course.Run
	switch o.Model {
	case course.FashionNet:
		train, err := dataset.LoadFashion(*data, "train")
		if err != nil {
			return err
		}
		test, err := dataset.LoadFashion(*data, "t10k")
		if err != nil {
			return err
		}
		if run, err = course.NewFashionRun(o, train, test); err != nil {
			return err
		}
		defer func() {
			ev := course.EvaluateFashion(run.Fashion, test)
			fmt.Printf("test accuracy on all %d images: %.4f\n", ev.N, ev.Accuracy)
		}()
	case course.VAE:
		vae, _, err := trainer.LoadVAE(*weights)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(*codes)
		if err != nil {
			return err
		}
		g, err := format.DecodeGallery(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", *codes, err)
		}
		vae.SetFrozen(true)
		if run, err = course.NewVAERun(o, course.DecodedFaces(vae, g.Latents)); err != nil {
			return err
		}
	default:
		_, err := o.Resolve()
		return err
	}
	start := time.Now()
	for !run.Done() {
		if run.Step() {
			p := run.Curve[len(run.Curve)-1]
			figure := fmt.Sprintf("test accuracy (first %d) %.4f", course.TestSlice, p.TestAccuracy)
			if o.Model == course.VAE {
				figure = fmt.Sprintf("reconstruction %.5f  KL/face %.1f  validation MSE %.5f", p.Recon, p.KL, p.ValidationMSE)
			}
			fmt.Printf("epoch %3d  loss %.5f  %s  %.1fs\n", p.Epoch, p.Loss, figure, time.Since(start).Seconds())
		}
	}
	fmt.Printf("%d steps in %.1f s (%.1f ms a step, evaluations included)\n", run.StepsDone(), time.Since(start).Seconds(),
		float64(time.Since(start).Milliseconds())/float64(run.StepsDone()))
	return nil
}
