//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/wasm/mapview"
)

// ConfusionMatrix is the Map view's confusion matrix (confusion-matrix.vugu): rows are true
// classes, columns the model's answers; clicking a cell shows just those images on the map.
type ConfusionMatrix struct {
	App *App
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

func (c *ConfusionMatrix) cellText(i, j int) string { return strconv.Itoa(c.App.Maps.Conf[i][j]) }

func (c *ConfusionMatrix) cellTitle(i, j int) string {
	return fmt.Sprintf("%d images of %s classified as %s", c.App.Maps.Conf[i][j], ml.FashionNetClasses[i], ml.FashionNetClasses[j])
}

// cellOn reports whether cell (i, j) is the one the map is filtered to.
func (c *ConfusionMatrix) cellOn(i, j int) bool { return c.App.Maps.Filter.Cell == i*10+j }

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
		row += c.App.Maps.Conf[i][k]
	}
	f := float64(c.App.Maps.Conf[i][j]) / float64(max(row, 1))
	if i == j {
		return fmt.Sprintf("background:rgba(124,196,255,%.2f)", 0.1+0.6*f)
	}
	return fmt.Sprintf("background:rgba(255,110,100,%.2f)", min(0.9, 4*f))
}
