package prep_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"lookbook/ml/dataset"
	"lookbook/ml/prep"
)

// validationPhotos is the clothing photos' validation split beside the checkout.
const validationPhotos = "../../../shared/data/clothing-photos/validation"

// BenchmarkCutValidationPhotos: both cuts of each validation photo (the 256-pixel JPEGs, as
// decoded), reporting the median and 90th percentile per photo; natively, or in wasm with
// GOOS=js GOARCH=wasm and scripts/wasmexec on the PATH.
func BenchmarkCutValidationPhotos(b *testing.B) {
	if _, err := os.Stat(validationPhotos); err != nil {
		b.Skipf("no clothing photos at %s", validationPhotos)
	}
	photos, err := dataset.LoadPhotos(validationPhotos)
	if err != nil {
		b.Fatal(err)
	}
	var ms []float64
	for b.Loop() {
		for _, p := range photos {
			start := time.Now()
			if _, err := prep.CutPhoto(p.Image); err != nil {
				b.Fatal(err)
			}
			ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		}
	}
	slices.Sort(ms)
	b.ReportMetric(ms[len(ms)/2], "median-ms/photo")
	b.ReportMetric(ms[len(ms)*9/10], "p90-ms/photo")
}
