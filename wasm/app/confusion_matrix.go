//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/wasm/mapview"
)

// ConfusionMatrix is a confusion matrix (confusion-matrix.vugu): rows are true classes, columns
// the model's answers. In the Map view (App set) clicking a cell shows just those images on the
// map; elsewhere (Conf set) it only shows the counts.
type ConfusionMatrix struct {
	App    *App
	Conf   *[10][10]int
	TestID string
}

func (c *ConfusionMatrix) counts() *[10][10]int {
	if c.Conf != nil {
		return c.Conf
	}
	return &c.App.Maps.Conf
}

func (c *ConfusionMatrix) testID() string {
	if c.TestID != "" {
		return c.TestID
	}
	return "confusion"
}

// PickCell filters the map to one cell of the confusion matrix; picking it again clears it.
func (c *ConfusionMatrix) PickCell(e vugu.DOMEvent, cell int) {
	f := c.App.Maps.Filter
	if f.Cell == cell {
		f.Cell = mapview.NoCell
	} else {
		f.Cell, f.Hidden, f.Misclassified = cell, 0, false
	}
	c.App.Maps.SetFilter(f)
}

func (c *ConfusionMatrix) cellText(i, j int) string { return strconv.Itoa(c.counts()[i][j]) }

func (c *ConfusionMatrix) cellTitle(i, j int) string {
	return fmt.Sprintf("%d images of %s classified as %s", c.counts()[i][j], ml.FashionNetClasses[i], ml.FashionNetClasses[j])
}

// cellOn reports whether cell (i, j) is the one the map is filtered to.
func (c *ConfusionMatrix) cellOn(i, j int) bool {
	return c.App != nil && c.App.Maps.Filter.Cell == i*10+j
}

// cellPressed tells screen readers which cell filters the map.
func (c *ConfusionMatrix) cellPressed(i, j int) string { return strconv.FormatBool(c.cellOn(i, j)) }

func (c *ConfusionMatrix) cellClass(i, j int) string {
	cls := "lb-cell"
	if i == j {
		cls += " lb-diag"
	}
	if c.cellOn(i, j) {
		cls += " lb-cell-on"
	}
	return cls
}

// cellStyle shades a cell by its share of its row: the diagonal blue, errors red.
func (c *ConfusionMatrix) cellStyle(i, j int) string {
	row := 0
	for k := 0; k < 10; k++ {
		row += c.counts()[i][k]
	}
	f := float64(c.counts()[i][j]) / float64(max(row, 1))
	if i == j {
		return fmt.Sprintf("background:rgba(124,196,255,%.2f)", 0.1+0.6*f)
	}
	return fmt.Sprintf("background:rgba(255,110,100,%.2f)", min(0.9, 4*f))
}
