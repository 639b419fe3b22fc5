// Command generics is a probe program of gotc-rpm selfcheck --probe:
// type parameters, maps, goroutines and channels. It keeps to Go 1.21,
// the oldest release gotc packages.
package main

import (
	"fmt"
	"maps"
	"slices"
	"sync"
)

type number interface {
	~int | ~int64 | ~float64
}

func sum[T number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

type pair[K comparable, V any] struct {
	key K
	val V
}

func sortedPairs[K interface {
	comparable
	~string
}, V any](m map[K]V) []pair[K, V] {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]pair[K, V], len(keys))
	for i, k := range keys {
		out[i] = pair[K, V]{k, m[k]}
	}
	return out
}

func main() {
	counts := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := make(chan int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			counts[fmt.Sprint(i%3)] += i
			mu.Unlock()
			results <- i * i
		}(i)
	}
	wg.Wait()
	close(results)
	var squares []int
	for r := range results {
		squares = append(squares, r)
	}
	copied := maps.Clone(counts)
	fmt.Println(sortedPairs(copied), sum(squares), sum([]float64{1.5, 2.5}), min(3, 1, 2))
}
