package rpmbuild

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/gotc-project/gotc/internal/atomicfile"
	"github.com/gotc-project/gotc/rpmwrite"
)

// pool runs the payload tasks of packages on a fixed number of workers,
// the costliest queued task first (with few workers and tasks of very
// different sizes, that finishes soonest), and writes each package as
// soon as its last task is done and it is not held. Packages may be added
// while others run: the main package's tasks start while the tarball is
// still being read. The bytes of each package do not depend on the order
// of its tasks.
type pool struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []job // costliest first
	sealed  bool  // no more packages will be added
	failed  bool
	errs    []error
	written []*poolPackage
	all     []*poolPackage
	wg      sync.WaitGroup
}

// job is one task of a package.
type job struct {
	pk   *poolPackage
	task rpmwrite.Task
}

// poolPackage is a package in a pool.
type poolPackage struct {
	name, out string
	pkg       *rpmwrite.Package
	left      int  // tasks not done
	running   int  // tasks being run
	held      bool // not to be written until released
	canceled  bool
	done      bool // written
}

// newPool starts workers goroutines.
func newPool(workers int) *pool {
	p := &pool{}
	p.cond = sync.NewCond(&p.mu)
	for range max(workers, 1) {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// add queues the tasks of pkg, which is written to out once they are
// done — unless held, until release.
func (p *pool) add(name, out string, pkg *rpmwrite.Package, held bool) *poolPackage {
	pk := &poolPackage{name: name, out: out, pkg: pkg, held: held}
	tasks := pkg.Tasks()
	p.mu.Lock()
	defer p.mu.Unlock()
	pk.left = len(tasks)
	p.all = append(p.all, pk)
	for _, t := range tasks {
		p.queue = append(p.queue, job{pk, t})
	}
	sort.SliceStable(p.queue, func(a, b int) bool { return p.queue[a].task.Cost > p.queue[b].task.Cost })
	p.cond.Broadcast()
	return pk
}

// release lets a held package be written, at once if its tasks are done.
func (p *pool) release(pk *poolPackage) {
	p.mu.Lock()
	pk.held = false
	ready := pk.left == 0 && !p.failed
	p.mu.Unlock()
	if ready {
		p.write(pk)
	}
}

// cancel drops a package: its queued tasks are skipped, its running ones
// stopped, and it is never written. It returns once none of its tasks
// runs any more.
func (p *pool) cancel(pk *poolPackage) {
	pk.pkg.Cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	pk.canceled = true
	kept := p.queue[:0]
	for _, j := range p.queue {
		if j.pk != pk {
			kept = append(kept, j)
		}
	}
	p.queue = kept
	for pk.running > 0 {
		p.cond.Wait()
	}
}

// work is one worker.
func (p *pool) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.sealed && !p.failed {
			p.cond.Wait()
		}
		if p.failed || len(p.queue) == 0 {
			p.mu.Unlock()
			return
		}
		j := p.queue[0]
		p.queue = p.queue[1:]
		j.pk.running++
		p.mu.Unlock()

		err := j.task.Run()

		p.mu.Lock()
		j.pk.running--
		pk := j.pk
		ready := false
		switch {
		case pk.canceled:
			err = nil
		case err == nil:
			pk.left--
			ready = pk.left == 0 && !pk.held && !p.failed
		}
		p.cond.Broadcast()
		p.mu.Unlock()
		if err != nil {
			p.fail(fmt.Errorf("writing %s: %w", filepath.Base(pk.out), err))
		}
		if ready {
			p.write(pk)
		}
	}
}

// write writes pk's file, atomically.
func (p *pool) write(pk *poolPackage) {
	if err := atomicfile.Write(pk.out, 0o644, pk.pkg.Finish); err != nil {
		p.fail(fmt.Errorf("writing %s: %w", filepath.Base(pk.out), err))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pk.done = true
	p.written = append(p.written, pk)
}

// fail records err and stops the workers after their current tasks.
func (p *pool) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, err)
	p.failed = true
	for _, j := range p.queue {
		j.pk.pkg.Cancel()
	}
	p.queue = nil
	p.cond.Broadcast()
}

// wait seals the pool and waits for its work to end. On failure it
// removes the packages already written and returns every error;
// otherwise it returns the packages in the order given.
func (p *pool) wait(order []*poolPackage) ([]Result, error) {
	p.mu.Lock()
	p.sealed = true
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
	for _, pk := range p.all {
		pk.pkg.Close()
	}
	if p.failed {
		for _, pk := range p.written {
			os.Remove(pk.out)
		}
		return nil, errors.Join(p.errs...)
	}
	results := make([]Result, 0, len(order))
	for _, pk := range order {
		if !pk.done {
			// A held package never released, or tasks never run: a bug.
			return nil, fmt.Errorf("%s was not written", filepath.Base(pk.out))
		}
		results = append(results, Result{Name: pk.name, Path: pk.out})
	}
	return results, nil
}

// abort stops the pool after a failure outside it and removes what it
// wrote.
func (p *pool) abort(err error) {
	p.fail(err)
	p.wait(nil)
}
