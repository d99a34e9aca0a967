// Command train trains Lookbook's models and evaluates weight files.
//
//	go run ./pretrained/cmd/train fashionnet [flags]   train FashionNet on Fashion-MNIST
//	go run ./pretrained/cmd/train vae [flags]          train the face VAE
//	go run ./pretrained/cmd/train eval [flags]         evaluate a weight file
//	go run ./pretrained/cmd/train plot [flags]         draw a training log's curves as PNG
//	go run ./pretrained/cmd/train features [flags]     FashionNet's test-set features as .npy
//	go run ./pretrained/cmd/train tsne [flags]         map an N×D .npy with t-SNE or PCA
//	go run ./pretrained/cmd/train maps [flags]         the browser's latent maps
//	go run ./pretrained/cmd/train gallery [flags]      the Faces view's starting latent codes
//	go run ./pretrained/cmd/train drawings [flags]     the drawing benchmark as PNG sheets
//
// Run a subcommand with -h for its flags. Training writes a checkpoint every epoch; Ctrl-C
// saves one and stops, and -resume continues exactly where it stopped.
package main

import (
	"context"
	"errors"
	"flag"
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
	command := "go run ./pretrained/cmd/train " + strings.Join(os.Args[1:], " ")
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
	case "drawings":
		err = drawingsCmd(os.Args[2:])
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
	fmt.Fprint(os.Stderr, `usage: go run ./pretrained/cmd/train <subcommand> [flags]

subcommands:
  fashionnet   train FashionNet on Fashion-MNIST
  vae          train the face VAE
  eval         evaluate a weight file (test accuracy and confusion matrix, or validation MSE)
  plot         draw a training log (JSON lines) as a PNG chart
  features     write FashionNet's 128-d test-set features (and labels) as .npy
  tsne         map any N×D float32 .npy to 2D/3D coordinates with t-SNE or PCA
  maps         write the browser's latent maps of the test set (PCA and t-SNE, 2D and 3D)
  gallery      write the Faces view's starting latent codes (validation faces' posterior means)
  drawings     write the drawing benchmark (outlines, silhouettes, sketches) as PNG sheets

Run a subcommand with -h for its flags.
`)
}

// scheduleFlags defines the flags of the schedule both models share, with a model's defaults.
func scheduleFlags(fs *flag.FlagSet, s *trainer.Schedule, def trainer.Schedule) {
	fs.IntVar(&s.Epochs, "epochs", def.Epochs, "epochs")
	fs.IntVar(&s.Batch, "batch", def.Batch, "batch size (at least 2)")
	fs.Float64Var(&s.LR, "lr", def.LR, "peak learning rate (Adam)")
	fs.StringVar(&s.Decay, "schedule", def.Decay, "learning-rate schedule after warm-up: cosine or constant")
	fs.IntVar(&s.Warmup, "warmup", def.Warmup, "epochs of linear learning-rate warm-up")
	fs.Float64Var(&s.WeightDecay, "wd", def.WeightDecay, "decoupled weight decay (AdamW); 0 for plain Adam")
	fs.BoolVar(&s.Flip, "flip", def.Flip, "random horizontal flips")
	fs.Uint64Var(&s.Seed, "seed", def.Seed, "random seed: the same seed gives the same weights on the same machine")
}

// runFlags defines the flags of a training run's files (model names the defaults), filled
// in when fs is parsed.
func runFlags(fs *flag.FlagSet, model, command string) *trainer.Run {
	run := &trainer.Run{Command: command, Stdout: os.Stdout, Stderr: os.Stderr}
	fs.StringVar(&run.Out, "out", "pretrained/"+model+".safetensors", "weight file to write")
	fs.StringVar(&run.Checkpoint, "checkpoint", "checkpoints/"+model+".ckpt.safetensors", "checkpoint file")
	fs.StringVar(&run.Log, "log", "pretrained/"+model+".log.jsonl", "JSON-lines training log")
	fs.BoolVar(&run.Resume, "resume", false, "continue from -checkpoint (its recipe wins over these flags)")
	return run
}
