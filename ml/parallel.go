package ml

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ParallelFor splits [0, n) into contiguous ranges and runs fn on them concurrently on the
// available CPUs, returning when all are done. Each range must write only its own outputs; then
// the results depend neither on the number of CPUs nor on which CPU runs which range. Under
// js/wasm (one thread) it simply calls fn(0, n).
func ParallelFor(n int, fn func(lo, hi int)) {
	parallelFor(n, 1<<30, fn)
}

// minParallelWork is the least work (in element operations) worth handing to another core,
// which costs about a microsecond: below it, one image's small layers run inline.
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
	if helpers.run(n, workers, fn) {
		return
	}
	// The helpers are busy with another caller's job: start goroutines for this one.
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/workers)
	wg.Wait()
}

// helpers are long-lived goroutines that share a parallelFor's ranges with the caller. A
// training step hands out hundreds of jobs, each a fraction of a millisecond: starting a
// goroutine for each and waking a sleeping thread cost more than some of the jobs, so a helper
// spins briefly for the next job before it sleeps.
var helpers helperPool

// helperSpin is how many times an idle helper polls for a job (a few hundred µs) before
// sleeping: a step's serial stretches (the small layers, the loss) are shorter than that.
const helperSpin = 200000

type helperPool struct {
	busy    atomic.Bool // a job is running (and workers is the holder's): others start goroutines
	workers []*helper

	// The running job: [0, n) in chunks ranges, taken in turn by the caller and the helpers.
	fn        func(lo, hi int)
	n, chunks int
	next      atomic.Int64 // the next chunk to take
}

type helper struct {
	job      atomic.Uint64 // jobs handed out; a change means a new job
	done     atomic.Uint64 // jobs finished
	sleeping atomic.Bool
	wake     chan struct{}
}

// chunksPerWorker is how many ranges each core's share is cut into. Halves would leave one
// core idle whenever the other runs slower (data in the other core's cache, a late wake-up);
// smaller chunks are taken by whichever core is free. Each range writes its own outputs, so
// the results do not depend on which core takes it.
const chunksPerWorker = 4

// run runs fn over [0, n) on the caller and workers−1 helpers, and reports false (doing
// nothing) when the pool is already running another job.
func (p *helperPool) run(n, workers int, fn func(lo, hi int)) bool {
	if !p.busy.CompareAndSwap(false, true) {
		return false
	}
	defer p.busy.Store(false)
	hs := p.grow(workers - 1)
	p.fn, p.n, p.chunks = fn, n, min(n, workers*chunksPerWorker)
	p.next.Store(0)
	for _, h := range hs {
		h.job.Add(1)
		if h.sleeping.Load() {
			select {
			case h.wake <- struct{}{}:
			default:
			}
		}
	}
	p.work()
	for _, h := range hs {
		for spins := 0; h.done.Load() != h.job.Load(); spins++ {
			if spins%256 == 255 {
				runtime.Gosched() // let a goroutine that needs this core run
			}
		}
	}
	p.fn = nil
	return true
}

// work takes chunks of the running job until none is left.
func (p *helperPool) work() {
	for {
		c := int(p.next.Add(1) - 1)
		if c >= p.chunks {
			return
		}
		p.fn(p.n*c/p.chunks, p.n*(c+1)/p.chunks)
	}
}

// grow returns the first k helpers, starting any that do not exist yet.
func (p *helperPool) grow(k int) []*helper {
	if len(p.workers) >= k {
		return p.workers[:k]
	}
	for len(p.workers) < k {
		h := &helper{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, h)
		go h.loop(p)
	}
	return p.workers[:k]
}

func (h *helper) loop(p *helperPool) {
	var seen uint64
	for {
		for spins := 0; h.job.Load() == seen; spins++ {
			if spins < helperSpin {
				if spins%1024 == 1023 {
					runtime.Gosched()
				}
				continue
			}
			h.sleeping.Store(true)
			if h.job.Load() == seen {
				<-h.wake
			}
			h.sleeping.Store(false)
			spins = 0
		}
		seen = h.job.Load()
		p.work()
		h.done.Store(seen)
	}
}
