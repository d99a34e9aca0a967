// Command train trains Lookbook's models and evaluates weight files.
//
//	go run ./pretrained/train fashionnet [flags]   train FashionNet on Fashion-MNIST
//	go run ./pretrained/train vae [flags]          train the face VAE
//	go run ./pretrained/train eval [flags]         evaluate a weight file
//	go run ./pretrained/train plot [flags]         draw a training log's curves as PNG
//	go run ./pretrained/train features [flags]     FashionNet's test-set features as .npy
//	go run ./pretrained/train tsne [flags]         map an N×D .npy with t-SNE or PCA
//	go run ./pretrained/train maps [flags]         the browser's latent maps
//	go run ./pretrained/train gallery [flags]      the Faces view's starting latent codes
//
// Run a subcommand with -h for its flags. Training writes a checkpoint every epoch; Ctrl-C
// saves one and stops, and -resume continues exactly where it stopped.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"lookbook/pretrained/trainer"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	command := "go run ./pretrained/train " + strings.Join(os.Args[1:], " ")
	var err error
	switch os.Args[1] {
	case "fashionnet":
		err = trainFashion(ctx, os.Args[2:], command)
	case "vae":
		err = trainVAE(ctx, os.Args[2:], command)
	case "eval":
		err = evaluate(os.Args[2:])
	case "plot":
		err = plotLog(os.Args[2:])
	case "features":
		err = features(os.Args[2:])
	case "tsne":
		err = embedNPY(os.Args[2:])
	case "maps":
		err = maps(os.Args[2:])
	case "gallery":
		err = gallery(os.Args[2:])
	case "-h", "-help", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "train: unknown subcommand %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		if errors.Is(err, trainer.ErrInterrupted) {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: go run ./pretrained/train <subcommand> [flags]

subcommands:
  fashionnet   train FashionNet on Fashion-MNIST
  vae          train the face VAE
  eval         evaluate a weight file (test accuracy and confusion matrix, or validation MSE)
  plot         draw a training log (JSON lines) as a PNG chart
  features     write FashionNet's 128-d test-set features (and labels) as .npy
  tsne         map any N×D float32 .npy to 2D/3D coordinates with t-SNE or PCA
  maps         write the browser's latent maps of the test set (PCA and t-SNE, 2D and 3D)
  gallery      write the Faces view's starting latent codes (validation faces' posterior means)

Run a subcommand with -h for its flags.
`)
}
