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
//	go run ./pretrained/cmd/train explain [flags]      the explanations' deletion test
//	go run ./pretrained/cmd/train course [flags]       a Train view experiment, natively
//
// Run a subcommand with -h for its flags. Training writes a checkpoint every epoch; Ctrl-C
// saves one and stops, and -resume continues exactly where it stopped.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"lookbook/ml/dataset"
	"lookbook/pretrained/trainer"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	if name == "-h" || name == "-help" || name == "--help" || name == "help" {
		usage()
		return
	}
	i := slices.IndexFunc(subcommands, func(s subcommand) bool { return s.name == name })
	if i < 0 {
		fmt.Fprintf(os.Stderr, "train: unknown subcommand %q\n", name)
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := subcommands[i].run(call{
		FlagSet: flag.NewFlagSet(name, flag.ExitOnError),
		ctx:     ctx,
		args:    os.Args[2:],
		command: "go run ./pretrained/cmd/train " + strings.Join(os.Args[1:], " "),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		if errors.Is(err, trainer.ErrInterrupted) {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

// A subcommand is one of the command's jobs: the first argument names it.
type subcommand struct {
	name, summary string
	run           func(call) error
}

var subcommands = []subcommand{
	{name: "fashionnet", run: trainFashion, summary: "train FashionNet on Fashion-MNIST"},
	{name: "vae", run: trainVAE, summary: "train the face VAE"},
	{name: "eval", run: evaluate, summary: "evaluate a weight file (test accuracy and confusion matrix, or validation MSE)"},
	{name: "plot", run: plotLog, summary: "draw a training log (JSON lines) as a PNG chart"},
	{name: "features", run: features, summary: "write FashionNet's 128-d test-set features (and labels) as .npy"},
	{name: "tsne", run: embedNPY, summary: "map any N×D float32 .npy to 2D/3D coordinates with t-SNE or PCA"},
	{name: "maps", run: maps, summary: "write the browser's latent maps of the test set (PCA, t-SNE and UMAP, 2D and 3D)"},
	{name: "replay", run: replay, summary: "write the Teach view's replay sample (training-set features, balanced by class)"},
	{name: "gallery", run: gallery, summary: "write the Faces view's starting latent codes (validation faces' posterior means)"},
	{name: "photos", run: photos, summary: "report a FashionNet's accuracy on real photos of garments (the page's preprocessing)"},
	{name: "interpolate", run: interpolate, summary: "write a FashionNet between a model and its fine-tuning (WiSE-FT), with its figures"},
	{name: "course", run: courseCmd, summary: "run one of the Train view's experiments natively, on the page's data (-options as lookbook.train takes them)"},
	{name: "explain", run: explainCmd, summary: "the deletion test of the explanation methods on the test set (faithfulness)"},
	{name: "drawings", run: drawingsCmd, summary: "write the drawing benchmark (outlines, silhouettes, sketches) as PNG sheets"},
}

func usage() {
	fmt.Fprint(os.Stderr, "usage: go run ./pretrained/cmd/train <subcommand> [flags]\n\nsubcommands:\n")
	for _, s := range subcommands {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", s.name, s.summary)
	}
	fmt.Fprint(os.Stderr, "\nRun a subcommand with -h for its flags.\n")
}

// call is one run of a subcommand: its flag set (named after it), its arguments, and the
// command line that started it (recorded in the weights it writes).
type call struct {
	*flag.FlagSet
	ctx     context.Context
	args    []string
	command string
}

// parse parses the call's arguments into the flags defined so far.
func (c call) parse() { c.Parse(c.args) }

// The flags several subcommands share, with their defaults.

func (c call) weightsFlag(model, usage string) *string {
	return c.String("weights", "pretrained/"+model+".safetensors", usage)
}

func (c call) fashionFlag() *string {
	return c.String("data", dataset.DefaultFashionDir, "folder with Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist)")
}

func (c call) facesFlag(usage string) *string {
	return c.String("faces", "../shared/data/lfw32_1000.npy", usage)
}

// scheduleFlags defines the flags of the schedule both models share, with a model's defaults.
func scheduleFlags(fs call, s *trainer.Schedule, def trainer.Schedule) {
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
func runFlags(fs call, model string) *trainer.Run {
	run := &trainer.Run{Command: fs.command, Stdout: os.Stdout, Stderr: os.Stderr}
	fs.StringVar(&run.Out, "out", "pretrained/"+model+".safetensors", "weight file to write")
	fs.StringVar(&run.Checkpoint, "checkpoint", "checkpoints/"+model+".ckpt.safetensors", "checkpoint file")
	fs.StringVar(&run.Log, "log", "pretrained/"+model+".log.jsonl", "JSON-lines training log")
	fs.BoolVar(&run.Resume, "resume", false, "continue from -checkpoint (its recipe wins over these flags)")
	return run
}

// writeFile writes what encode produces to path, all at once (an encoding error leaves any
// file there as it was), and says so.
func writeFile(path string, encode func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := encode(&buf); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", path, buf.Len())
	return nil
}
