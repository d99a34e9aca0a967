package main

import (
	"fmt"
	"io"
	"math/rand/v2"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/pretrained/trainer"
)

// replay writes the Teach view's replay sample: FashionNet's features of training-set images,
// the same number from each class, drawn with a seed.
func replay(c call) error {
	weights, data := c.weightsFlag("fashionnet", "FashionNet weights"), c.fashionFlag()
	out := c.String("out", "pretrained/replay.safetensors", "replay file to write")
	perClass := c.Int("per-class", 200, "training images of each class")
	seed := c.Uint64("seed", 1, "seed of the draw")
	c.parse()
	m, _, err := trainer.LoadFashionNet(*weights)
	if err != nil {
		return err
	}
	train, err := dataset.LoadFashion(*data, "train")
	if err != nil {
		return err
	}
	byClass := make([][]int, len(ml.FashionNetClasses))
	for i, l := range train.Labels {
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x5e1ec7))
	var idx []int
	for k, members := range byClass {
		if len(members) < *perClass {
			return fmt.Errorf("class %d has %d training images, fewer than %d", k, len(members), *perClass)
		}
		rng.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		idx = append(idx, members[:*perClass]...)
	}
	sample := train.Subset(idx)
	feats, preds := trainer.Features(m, sample)
	right := 0
	for i, p := range preds {
		if p == sample.Labels[i] {
			right++
		}
	}
	r := &format.Replay{Features: feats, Labels: sample.Labels,
		Meta: map[string]string{"weights": *weights, "command": c.command, "images": fmt.Sprintf("%d training images, %d of each class", len(idx), *perClass)}}
	fmt.Printf("replay: %d training images' features; the model classifies %.2f %% of them correctly\n", len(idx), 100*float64(right)/float64(len(idx)))
	return writeFile(*out, func(w io.Writer) error { return format.EncodeReplay(w, r) })
}
