// A Go program holding N goroutines, each blocked on a channel at one of 50 call depths (50 distinct stacks), each
// keeping a 1 KiB buffer, with net/http/pprof on 127.0.0.1:PORT. Ends by itself after MAX_SECONDS.
//
//	go run goroutines.go PORT N MAX_SECONDS
package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strconv"
	"time"
)

var block = make(chan struct{})

func wait(depth int, buffer []byte) {
	if depth > 0 {
		wait(depth-1, buffer)
		return
	}
	<-block
	_ = buffer[0]
}

func main() {
	port, _ := strconv.Atoi(os.Args[1])
	n, _ := strconv.Atoi(os.Args[2])
	maxSeconds, _ := strconv.Atoi(os.Args[3])
	for i := 0; i < n; i++ {
		go wait(i%50, make([]byte, 1024))
	}
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(listener, nil)
	fmt.Println("listening")
	time.Sleep(time.Duration(maxSeconds) * time.Second)
}
