package ml

import (
	"runtime"
	"sync"
)

// ParallelFor splits [0, n) into one contiguous range per available CPU and runs fn on each
// concurrently, returning when all are done. Each range writes disjoint outputs, so results do
// not depend on the number of CPUs. Under js/wasm (one thread) it simply calls fn(0, n).
func ParallelFor(n int, fn func(lo, hi int)) {
	parallelFor(n, 1<<30, fn)
}

// minParallelWork is the least work (in element operations) worth a goroutine hand-off, which
// costs a few microseconds: below it, one image's small layers run inline.
const minParallelWork = 1 << 15

// parallelFor is ParallelFor for a job of about work element operations in all.
func parallelFor(n, work int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if work < minParallelWork {
		workers = 1
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
