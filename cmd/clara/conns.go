package main

import (
	"net"
	"net/http"
	"sync"
)

// freshConns tracks connections that have not sent a request yet.
// http.Server.Shutdown waits up to five seconds for such connections (a
// client's spare connection, say); closing them at once lets a stopping
// server exit as soon as its real requests are done.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func trackFreshConns(srv *http.Server) *freshConns {
	f := &freshConns{conns: map[net.Conn]struct{}{}}
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if state == http.StateNew {
			f.conns[c] = struct{}{}
		} else {
			delete(f.conns, c)
		}
	}
	return f
}

// closeAll closes every connection that is still waiting for its first request.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
		delete(f.conns, c)
	}
}
