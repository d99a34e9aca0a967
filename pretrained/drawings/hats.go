package drawings

import (
	"math"
	"math/rand/v2"

	"lookbook/ml/prep"
)

// Hat draws a garment Fashion-MNIST does not have, for the Teach view's tests: a filled dome
// over a wide brim, as a 28×28 image in the dataset's format (white on black, 784 bytes), at a random
// size, position and tilt of the brim. Its features differ from every shipped class's, so a
// class taught from a few hats can be told apart from the ten garments.
func Hat(rng *rand.Rand) []byte {
	const side = prep.Side
	img := make([]byte, side*side)
	cx := 14 + rng.Float64()*4 - 2
	brimY := 18 + rng.Float64()*4 - 2
	brimHalf := 10 + rng.Float64()*2.5 // half the brim's width
	brimThick := 1.6 + rng.Float64()*1.2
	domeHalf := brimHalf * (0.5 + rng.Float64()*0.15)
	domeHeight := 7 + rng.Float64()*4
	tilt := (rng.Float64() - 0.5) * 0.2
	shade := 170 + rng.Float64()*80
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			px, py := float64(x)+0.5-cx, float64(y)+0.5-brimY-tilt*(float64(x)+0.5-cx)
			inBrim := math.Abs(px) <= brimHalf && py >= -brimThick/2 && py <= brimThick/2
			inDome := py <= 0 && (px*px)/(domeHalf*domeHalf)+(py*py)/(domeHeight*domeHeight) <= 1
			if inBrim || inDome {
				img[y*side+x] = byte(shade)
			}
		}
	}
	return img
}
