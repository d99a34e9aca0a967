// Package trainer trains Lookbook's two models and evaluates weight files. The train command
// (pretrained/cmd/train) is a thin flag-parsing wrapper around it.
package trainer

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Progress draws a one-line progress bar with rate, ETA and the running loss on a terminal.
// On anything else (a log file, CI) it draws nothing: the per-epoch lines carry the record.
type Progress struct {
	w        io.Writer
	tty      bool
	label    string
	total    int
	start    time.Time
	lastDraw time.Time
}

// NewProgress returns a bar for total steps, drawn on w when w is a terminal.
func NewProgress(w io.Writer, label string, total int) *Progress {
	return &Progress{w: w, tty: isTerminal(w), label: label, total: total, start: time.Now()}
}

// isTerminal reports whether w is a terminal (where a line can be redrawn in place).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update shows done of total steps and the running loss, at most ten times a second.
func (p *Progress) Update(done int, loss float64) {
	if !p.tty || time.Since(p.lastDraw) < 100*time.Millisecond && done < p.total {
		return
	}
	p.lastDraw = time.Now()
	elapsed := time.Since(p.start).Seconds()
	rate := float64(done) / max(elapsed, 1e-9)
	eta := time.Duration(float64(p.total-done)/max(rate, 1e-9)) * time.Second
	const width = 24
	filled := width * done / max(p.total, 1)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d %.1f it/s ETA %s loss %.4f ", p.label, bar, done, p.total, rate, eta.Round(time.Second), loss)
}

// Done clears the bar so the next log line starts clean.
func (p *Progress) Done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
