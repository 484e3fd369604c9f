// A healthy Go service whose heap grows until its first garbage collection: it loads a 40 MiB table at start, then
// serves from it allocating short-lived garbage slowly (~150 KiB/s), so with GOGC=100 the next collection waits until
// the heap doubles — minutes. After it, the heap saws over a flat floor; nothing is kept.
// Usage: firstgc PORT [maxSeconds=900] [garbageKiBPerSecond=150]
package main

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
)

var table [][]byte
var sink []byte

func main() {
	port := os.Args[1]
	maxSeconds := 900
	if len(os.Args) > 2 {
		maxSeconds, _ = strconv.Atoi(os.Args[2])
	}
	rate := 150
	if len(os.Args) > 3 {
		rate, _ = strconv.Atoi(os.Args[3])
	}
	for i := 0; i < 40*1024; i++ {
		b := make([]byte, 1024)
		for j := range b {
			b[j] = byte(i + j)
		}
		table = append(table, b)
	}
	runtime.GC()
	go func() {
		for i := 0; ; i++ {
			b := make([]byte, rate*1024/10)
			for j := 0; j < len(b); j += 512 {
				b[j] = byte(i)
			}
			sink = b
			time.Sleep(100 * time.Millisecond)
		}
	}()
	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(w, "# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
		fmt.Fprintf(w, "# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", m.HeapAlloc)
		fmt.Fprintf(w, "# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds_sum %g\ngo_gc_duration_seconds_count %d\n", float64(m.PauseTotalNs)/1e9, m.NumGC)
	})
	go func() { time.Sleep(time.Duration(maxSeconds) * time.Second); os.Exit(0) }()
	fmt.Printf("firstgc on %s, pid %d\n", port, os.Getpid())
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
