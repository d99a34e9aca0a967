// Command lookbook serves the Lookbook app from the bundle embedded at build time.
//
//	lookbook [-addr 127.0.0.1:8080]
//	lookbook -dist DIR    write the app as a static deploy (see server.WriteStatic) and exit
//
// It stops gracefully on SIGINT or SIGTERM, letting requests in flight finish.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"lookbook/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dist := flag.String("dist", "", "write the app to this folder as a static deploy instead of serving it")
	flag.Parse()
	if *dist != "" {
		if err := server.WriteStatic(server.Bundle(), *dist); err != nil {
			fmt.Fprintln(os.Stderr, "lookbook:", err)
			os.Exit(1)
		}
		fmt.Printf("wrote the static deploy to %s (publish the folder as it is)\n", *dist)
		return
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	srv, err := server.New(server.Config{Addr: *addr, Assets: server.Bundle(), Logger: logger})
	if err == nil {
		err = srv.Open()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lookbook:", err)
		os.Exit(1)
	}
	fmt.Printf("Lookbook is running at %s  (Ctrl-C to stop)\n", srv.URL())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	select {
	case err := <-errc:
		if err != nil {
			fmt.Fprintln(os.Stderr, "lookbook:", err)
			os.Exit(1)
		}
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(shutdown); err != nil {
			fmt.Fprintln(os.Stderr, "lookbook: shutdown:", err)
			os.Exit(1)
		}
	}
}
