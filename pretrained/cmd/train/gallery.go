package main

import (
	"fmt"
	"io"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/pretrained/trainer"
)

// gallery writes the Faces view's starting faces without shipping any photograph: the VAE's
// posterior means (z = mean) of the validation faces, which the browser decodes.
func gallery(c call) error {
	weights, faces := c.weightsFlag("vae", "VAE weights"), c.facesFlag("faces; the validation faces (900 on) are encoded")
	out := c.String("out", "pretrained/faces.safetensors", "file to write")
	from := c.Int("from", trainer.FaceTrain, "first face to encode (0: all, for the Train view's VAE experiment)")
	c.parse()
	m, _, err := trainer.LoadVAE(*weights)
	if err != nil {
		return err
	}
	all, err := dataset.LoadFaces(*faces)
	if err != nil {
		return err
	}
	if *from < 0 || *from >= all.Len() {
		return fmt.Errorf("-from %d: the faces are 0 to %d", *from, all.Len()-1)
	}
	val := all.Slice(*from, all.Len())
	n := val.Len()
	x := ml.NewTensor(n, 3, 32, 32)
	for i := 0; i < n; i++ {
		val.Image(x.Data[i*3*1024:(i+1)*3*1024], i, false)
	}
	mean, _ := m.Encode(x)
	g := &format.Gallery{Meta: map[string]string{"weights": *weights,
		"what":    fmt.Sprintf("posterior means of faces %d–%d (faces %d on validate the VAE); no image data", *from, *from+n-1, trainer.FaceTrain),
		"command": c.command}}
	for i := 0; i < n; i++ {
		g.Latents = append(g.Latents, mean.Data[i*ml.VAELatent:(i+1)*ml.VAELatent])
	}
	return writeFile(*out, func(w io.Writer) error { return format.EncodeGallery(w, g) })
}

// vaeAndValidation loads VAE weights (with their metadata) and the faces that validate it: all
// from trainer.FaceTrain on.
func vaeAndValidation(weights, faces string) (*ml.VAE, map[string]string, *dataset.Faces, error) {
	m, meta, err := trainer.LoadVAE(weights)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := dataset.LoadFaces(faces)
	if err != nil {
		return nil, nil, nil, err
	}
	return m, meta, all.Slice(trainer.FaceTrain, all.Len()), nil
}
