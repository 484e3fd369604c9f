// Like the reconnect incident: every reconnect starts a confirm handler and a pool of workers that wait on the old
// connection's channels forever (leak), or stops the previous ones (fixed). Reconnects come every 3–7 s; short-lived
// request goroutines come and go beside them. /metrics is the Prometheus text format, written by hand (the standard
// library only: no module proxy here).
// Usage: reconnect PORT [leak|fixed] [maxSeconds=900] [perReconnect=10]
package main

import (
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	port := os.Args[1]
	mode := "leak"
	if len(os.Args) > 2 {
		mode = os.Args[2]
	}
	maxSeconds := 900
	if len(os.Args) > 3 {
		maxSeconds, _ = strconv.Atoi(os.Args[3])
	}
	perReconnect := 10
	if len(os.Args) > 4 {
		perReconnect, _ = strconv.Atoi(os.Args[4])
	}

	var done chan struct{}
	reconnects := 0
	go func() {
		for {
			if mode == "fixed" && done != nil {
				close(done)
			}
			done = make(chan struct{})
			confirms := make(chan int)
			for i := 0; i < perReconnect; i++ {
				go func(d chan struct{}) {
					select {
					case <-confirms:
					case <-d:
					}
				}(done)
			}
			reconnects++
			time.Sleep(time.Duration(3000+rand.Intn(4000)) * time.Millisecond)
		}
	}()
	// Request goroutines: a few at a time, each lives up to a second.
	go func() {
		for {
			go func() { time.Sleep(time.Duration(rand.Intn(1000)) * time.Millisecond) }()
			time.Sleep(time.Duration(100+rand.Intn(300)) * time.Millisecond)
		}
	}()

	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(w, "# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
		fmt.Fprintf(w, "# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", m.HeapAlloc)
		fmt.Fprintf(w, "# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds_sum %g\ngo_gc_duration_seconds_count %d\n", float64(m.PauseTotalNs)/1e9, m.NumGC)
		fmt.Fprintf(w, "# TYPE reconnects_total counter\nreconnects_total %d\n", reconnects)
	})
	go func() { time.Sleep(time.Duration(maxSeconds) * time.Second); os.Exit(0) }()
	fmt.Printf("reconnect (%s) on %s, pid %d\n", mode, port, os.Getpid())
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
