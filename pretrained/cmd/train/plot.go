package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"lookbook/pretrained/trainer"
)

// plotLog draws a training log as PNG: losses on the left, accuracy (FashionNet) or
// validation MSE (VAE) on the right.
func plotLog(c call) error {
	logPath := c.String("log", "pretrained/fashionnet.log.jsonl", "JSON-lines training log")
	out, title := c.String("out", "pretrained/fashionnet.png", "PNG to write"), c.String("title", "FashionNet training", "chart title")
	c.parse()

	log, err := trainer.ReadLog(*logPath)
	if err != nil {
		return err
	}
	if len(log) == 0 {
		return fmt.Errorf("plot: %s has no epochs", *logPath)
	}
	isVAE := log[0].ValMSE > 0
	left := plot.New()
	left.Title.Text = *title + ": loss"
	left.X.Label.Text = "epoch"
	right := plot.New()
	right.X.Label.Text = "epoch"
	trainLoss, valLoss, trainAcc, valAcc := plotter.XYs{}, plotter.XYs{}, plotter.XYs{}, plotter.XYs{}
	outlines, silhouettes := plotter.XYs{}, plotter.XYs{} // with drawing augmentation
	for _, e := range log {
		if e.ValOutlineAcc > 0 {
			outlines = append(outlines, plotter.XY{X: float64(e.Epoch), Y: 100 * e.ValOutlineAcc})
			silhouettes = append(silhouettes, plotter.XY{X: float64(e.Epoch), Y: 100 * e.ValSilhouetteAcc})
		}
		x := float64(e.Epoch)
		trainLoss = append(trainLoss, plotter.XY{X: x, Y: e.TrainLoss})
		valLoss = append(valLoss, plotter.XY{X: x, Y: e.ValLoss})
		trainAcc = append(trainAcc, plotter.XY{X: x, Y: 100 * e.TrainAcc})
		valAcc = append(valAcc, plotter.XY{X: x, Y: 100 * e.ValAcc})
	}
	blue, orange := color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}
	green, purple := color.RGBA{44, 160, 44, 255}, color.RGBA{148, 103, 189, 255}
	addLine := func(p *plot.Plot, xy plotter.XYs, c color.Color, name string) error {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color, l.Width = c, vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(name, l)
		return nil
	}
	if isVAE {
		left.Y.Label.Text = "training loss (MSE + 1e-5·KL)"
		right.Title.Text = *title + ": validation MSE (z = mean)"
		right.Y.Label.Text = "MSE"
		if err := addLine(left, trainLoss, blue, "train"); err != nil {
			return err
		}
		if err := addLine(right, valLoss, orange, "validation"); err != nil {
			return err
		}
		goal, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 0.025}, {X: float64(len(log)), Y: 0.025}})
		goal.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		right.Add(goal)
		right.Legend.Add("goal 0.025", goal)
		right.Y.Min, right.Y.Max = 0.015, 0.05
	} else {
		left.Y.Label.Text = "cross-entropy"
		right.Title.Text = *title + ": accuracy"
		right.Y.Label.Text = "%"
		for _, l := range []struct {
			p    *plot.Plot
			xy   plotter.XYs
			c    color.Color
			name string
		}{{left, trainLoss, blue, "train"}, {left, valLoss, orange, "validation"}, {right, trainAcc, blue, "train"}, {right, valAcc, orange, "validation"},
			{right, outlines, green, "validation outlines"}, {right, silhouettes, purple, "validation silhouettes"}} {
			if len(l.xy) == 0 {
				continue
			}
			if err := addLine(l.p, l.xy, l.c, l.name); err != nil {
				return err
			}
		}
		right.Y.Min = 80
	}
	left.Legend.Top, right.Legend.Top = true, true
	left.X.Tick.Marker, right.X.Tick.Marker = epochTicks(len(log)), epochTicks(len(log))
	img := vgimgCanvas(12*vg.Inch, 4.5*vg.Inch)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadY: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8}
	canvases := plot.Align([][]*plot.Plot{{left, right}}, tiles, draw.New(img))
	left.Draw(canvases[0][0])
	right.Draw(canvases[0][1])
	if err := savePNG(img, *out); err != nil {
		return err
	}
	fmt.Println("wrote", *out)
	return nil
}

// epochTicks labels whole epochs at a round step that gives at most about eight labels.
func epochTicks(epochs int) plot.Ticker {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 25, 50, 100, 200, 500} {
		step = s
		if epochs/s <= 8 {
			break
		}
	}
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ticks []plot.Tick
		for e := step; float64(e) <= max; e += step {
			if float64(e) >= min {
				ticks = append(ticks, plot.Tick{Value: float64(e), Label: fmt.Sprint(e)})
			}
		}
		return ticks
	})
}
