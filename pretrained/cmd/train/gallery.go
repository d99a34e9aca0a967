package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/pretrained/format"
	"lookbook/pretrained/trainer"
)

// gallery writes the Faces view's starting faces without shipping any photograph: the VAE's
// posterior means (z = mean) of the validation faces, which the browser decodes.
func gallery(args []string) error {
	fs := flag.NewFlagSet("gallery", flag.ExitOnError)
	weights := fs.String("weights", "pretrained/vae.safetensors", "VAE weights")
	faces := fs.String("faces", "../shared/data/lfw32_1000.npy", "faces; the validation faces (900 on) are encoded")
	out := fs.String("out", "pretrained/faces.safetensors", "file to write")
	fs.Parse(args)
	m, _, err := trainer.LoadVAE(*weights)
	if err != nil {
		return err
	}
	all, err := dataset.LoadFaces(*faces)
	if err != nil {
		return err
	}
	val := all.Slice(trainer.FaceTrain, all.Len())
	n := val.Len()
	x := ml.NewTensor(n, 3, 32, 32)
	for i := 0; i < n; i++ {
		val.Image(x.Data[i*3*1024:(i+1)*3*1024], i, false)
	}
	mean, _ := m.Encode(x)
	g := &format.Gallery{Meta: map[string]string{"weights": *weights,
		"what":    fmt.Sprintf("posterior means of faces %d–%d (the validation split); no image data", trainer.FaceTrain, all.Len()-1),
		"command": "go run ./pretrained/cmd/train gallery"}}
	for i := 0; i < n; i++ {
		g.Latents = append(g.Latents, mean.Data[i*ml.VAELatent:(i+1)*ml.VAELatent])
	}
	var buf bytes.Buffer
	if err := format.EncodeGallery(&buf, g); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d latent codes\n", *out, n)
	return nil
}
