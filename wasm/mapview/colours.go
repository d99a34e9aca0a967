package mapview

import "image/color"

// ClassColours are the ten classes' colours on the Map, its legend and the drawing's star. They
// were picked (a search over a 16-step sRGB grid near a Tableau-like set of hues) so that every
// pair stays at least ΔE2000 12 apart for normal colour vision and under simulated protanopia,
// deuteranopia and tritanopia, and so that each stands out from the page's dark background
// (colours_test.go checks both). The palette before it fell to ΔE 1.1 under protanopia.
var ClassColours = [10]color.RGBA{
	{0x66, 0x77, 0xaa, 0xff}, // T-shirt/top: slate blue
	{0xee, 0x88, 0x00, 0xff}, // Trouser: orange
	{0x00, 0x99, 0x77, 0xff}, // Pullover: teal green
	{0xee, 0x00, 0x55, 0xff}, // Dress: crimson
	{0x99, 0x77, 0xff, 0xff}, // Coat: violet
	{0xcc, 0x99, 0xbb, 0xff}, // Sandal: mauve
	{0xbb, 0xbb, 0xff, 0xff}, // Shirt: lavender
	{0xaa, 0xbb, 0x77, 0xff}, // Sneaker: olive
	{0xdd, 0xee, 0x33, 0xff}, // Bag: yellow
	{0x44, 0xff, 0xcc, 0xff}, // Ankle boot: aqua
}

// TaughtColour is the colour of a class taught in the page (lookbook.teach).
var TaughtColour = color.RGBA{0xff, 0xff, 0xff, 0xff}

// ColourOf is class k's colour: a garment's, or the taught class's (k = 10).
func ColourOf(k int) color.RGBA {
	if k >= 0 && k < len(ClassColours) {
		return ClassColours[k]
	}
	return TaughtColour
}
