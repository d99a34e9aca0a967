package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"lookbook/ml/dataset"
	"lookbook/ml/explain"
	"lookbook/pretrained/trainer"
)

// explainCmd runs the deletion test of every explanation method (and of a random order and of
// pixel intensity) on the Fashion-MNIST test set, and writes the report.
func explainCmd(c call) error {
	weights := c.weightsFlag("fashionnet", "FashionNet weight file")
	data := c.fashionFlag()
	n := c.Int("n", 10000, "how many test images (the first n)")
	seed := c.Uint64("seed", 1, "seed of the random order")
	out := c.String("out", "pretrained/explain.txt", "report to write (also printed)")
	c.parse()
	m, _, err := trainer.LoadFashionNet(*weights)
	if err != nil {
		return err
	}
	test, err := dataset.LoadFashion(*data, "t10k")
	if err != nil {
		return err
	}
	start := time.Now()
	last := time.Now()
	res, err := trainer.DeletionBenchmark(m, test, *n, rand.New(rand.NewPCG(*seed, 0)), func(done, total int) {
		if time.Since(last) > 10*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "%d/%d images, %.0f s\n", done, total, time.Since(start).Seconds())
		}
	})
	if err != nil {
		return err
	}
	return writeFile(*out, func(w io.Writer) error {
		report := io.MultiWriter(w, os.Stdout)
		fmt.Fprintf(report, "%s\n%s on the first %d Fashion-MNIST test images, %d cores, %.0f s\n\n",
			c.command, *weights, res.Images, runtime.GOMAXPROCS(0), time.Since(start).Seconds())
		writeDeletionReport(report, res)
		return nil
	})
}

// writeDeletionReport writes the deletion test's table and mean curves.
func writeDeletionReport(w io.Writer, res trainer.DeletionResult) {
	fmt.Fprintf(w, "Deletion test: the predicted class's probability as the garment's pixels are set to 0\n")
	fmt.Fprintf(w, "in each ranking's order, %d %% at a time; AUC is the area under that curve (lower: the\n", 100/explain.DeletionSteps)
	fmt.Fprintf(w, "ranking found what the model uses). ms: median time of one explanation here, natively.\n\n")
	fmt.Fprintf(w, "| ranking | deletion AUC | × random order | ms |\n| --- | --- | --- | --- |\n")
	for _, s := range append(append(res.Methods[:len(res.Methods):len(res.Methods)], res.Random), res.Intensity) {
		ms := "–"
		if s.Ms > 0 {
			ms = fmt.Sprintf("%.2f", s.Ms)
		}
		fmt.Fprintf(w, "| %s | %.3f | %.2f | %s |\n", s.Name, s.AUC, s.AUC/res.Random.AUC, ms)
	}
	best := res.Best()
	fmt.Fprintf(w, "\nbest: %s, %.2f× the random order's AUC (goal ≤ 0.5×), %s the intensity ranking's\n",
		best.Name, best.AUC/res.Random.AUC, map[bool]string{true: "below", false: "not below"}[best.AUC < res.Intensity.AUC])
	fmt.Fprintf(w, "integrated gradients: median %d steps, most %d, largest completeness error %.2f %%\n\n",
		res.IGMedianSteps, res.IGMaxSteps, 100*res.IGMaxError)
	fmt.Fprintf(w, "mean curves (removed: 0 %% … 100 %%):\n")
	for _, s := range append(append(res.Methods[:len(res.Methods):len(res.Methods)], res.Random), res.Intensity) {
		fmt.Fprintf(w, "%-22s", s.Name)
		for _, v := range s.Curve {
			fmt.Fprintf(w, " %.3f", v)
		}
		fmt.Fprintln(w)
	}
}
