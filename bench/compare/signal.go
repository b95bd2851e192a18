package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is done when the process gets SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
