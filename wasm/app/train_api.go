//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"
	"time"

	"lookbook/ml/course"
	"lookbook/wasm/jsapi"
)

// trainAPI is lookbook.train(options): it starts a run of the course's experiment and returns a
// promise of its outcome, {model, epochs, steps, ms, stepMs, curve, testAccuracy |
// validationMse}. options is {model: "fashionnet" | "vae", epochs?, seconds? (stop after this
// long, the data download included), batchNorm?, learningRate?, batchSize?, trainImages?,
// klWeight?, loss?: "mse" | "bce", schedule?: "constant" | "cosine", seed?, workers?: 1 | 2 (default: FashionNet 2 on two cores or more, the VAE 1)}.
func (t *Train) api(args []js.Value) any {
	resolve, reject, promise := newPromise()
	o, seconds, workers, err := parseTrainOptions(args)
	if err == nil {
		o, err = o.Resolve()
	}
	if err != nil {
		reject("lookbook.train: " + err.Error())
		return promise
	}
	go t.start(o, workers, time.Duration(seconds*float64(time.Second)), func(r *trainRun) {
		if r.Error != "" {
			reject("lookbook.train: " + r.Error)
			return
		}
		t.app.env.RLock()
		out := r.outcome()
		t.app.env.RUnlock()
		resolve(toJS(out))
	})
	return promise
}

// outcome is the run as lookbook.train resolves with it and lookbook.training reports it.
func (r *trainRun) outcome() jsapi.Training {
	out := jsapi.Training{Model: r.Options.Model, Workers: r.Workers, Epochs: r.Epoch, Steps: r.StepsDone, TotalSteps: r.TotalSteps,
		Ms: r.ms, TrainMs: r.TrainMs, StepMs: r.StepMs, ExchangeMs: r.ExchangeMs, WaitMs: r.WaitMs, Paused: r.Paused, Finished: r.Finished,
		Curve: r.Curve, Options: r.Options, Error: r.Error}
	if out.Curve == nil {
		out.Curve = []course.Point{}
	}
	if !r.Finished {
		out.Ms = float64(time.Since(r.started).Microseconds()) / 1000
	}
	if r.Confusion != nil {
		acc := r.TestAccuracy
		out.TestAccuracy = &acc
	}
	if n := len(r.Curve); n > 0 && r.Options.Model == course.VAE {
		mse := r.Curve[n-1].ValidationMSE
		out.ValidationMSE = &mse
	}
	return out
}

// trainingAPI is lookbook.training(): the current run's progress, or null.
func (t *Train) trainingAPI() any {
	t.app.env.RLock()
	defer t.app.env.RUnlock()
	if t.Run == nil {
		return nil
	}
	out := t.Run.outcome()
	out.Downloading = t.Downloading
	return toJS(out)
}

// useShippedAPI is lookbook.useShipped(): the shipped models answer again.
func (t *Train) useShippedAPI() any {
	t.app.env.Lock()
	defer t.app.env.UnlockRender()
	t.useShipped()
	return nil
}

// parseTrainOptions reads lookbook.train's argument, checking each option's type; Resolve
// checks the values.
func parseTrainOptions(args []js.Value) (o course.Options, seconds float64, workers int, err error) {
	const usage = `lookbook.train takes {model: "fashionnet" | "vae", epochs?, seconds?, batchNorm?, learningRate?, batchSize?, trainImages?, klWeight?, loss?: "mse" | "bce", schedule?: "constant" | "cosine", seed?, workers?: 1 | 2}`
	if len(args) != 1 || args[0].Type() != js.TypeObject || args[0].InstanceOf(js.Global().Get("Array")) {
		return o, 0, 0, errors.New(usage)
	}
	v := args[0]
	keys := js.Global().Get("Object").Call("keys", v)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		x := v.Get(k)
		number := func() (float64, error) {
			if x.Type() != js.TypeNumber || math.IsNaN(x.Float()) || math.IsInf(x.Float(), 0) {
				return 0, fmt.Errorf("%s must be a number, got %s", k, describe(x))
			}
			return x.Float(), nil
		}
		integer := func() (int, error) {
			f, err := number()
			if err == nil && (f != math.Trunc(f) || math.Abs(f) > 1<<30) {
				err = fmt.Errorf("%s must be a whole number, got %v", k, f)
			}
			return int(f), err
		}
		var err error
		switch k {
		case "model", "loss", "schedule":
			if x.Type() != js.TypeString {
				return o, 0, 0, fmt.Errorf("%s must be a string, got %s", k, describe(x))
			}
			*map[string]*string{"model": &o.Model, "loss": &o.Loss, "schedule": &o.Schedule}[k] = x.String()
		case "batchNorm":
			if x.Type() != js.TypeBoolean {
				return o, 0, 0, fmt.Errorf("batchNorm must be true or false, got %s", describe(x))
			}
			b := x.Bool()
			o.BatchNorm = &b
		case "epochs":
			o.Epochs, err = integer()
		case "batchSize":
			o.BatchSize, err = integer()
		case "trainImages":
			o.TrainImages, err = integer()
		case "seed":
			var s int
			s, err = integer()
			o.Seed = uint64(s)
		case "learningRate":
			o.LearningRate, err = number()
		case "klWeight":
			o.KLWeight, err = number()
		case "workers":
			workers, err = integer()
			if err == nil && workers != 1 && workers != 2 {
				err = fmt.Errorf("workers must be 1 or 2, got %d", workers)
			}
		case "seconds":
			seconds, err = number()
			if err == nil && !(seconds > 0) {
				err = fmt.Errorf("seconds must be above 0, got %v", seconds)
			}
		default:
			return o, 0, 0, fmt.Errorf("unknown option %q; %s", k, usage[len("lookbook.train takes "):])
		}
		if err != nil {
			return o, 0, 0, err
		}
	}
	if o.Model == "" {
		return o, 0, 0, errors.New(`model is missing: "fashionnet" or "vae"`)
	}
	if workers == 0 {
		workers = defaultWorkers()
	}
	return o, seconds, workers, nil
}

// describe names a JavaScript value in an error.
func describe(v js.Value) string {
	if v.Type() == js.TypeString {
		return fmt.Sprintf("%q", v.String())
	}
	return js.Global().Get("String").Invoke(v).String()
}
