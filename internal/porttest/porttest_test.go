package porttest

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestReserve: a reserved port refuses connections and cannot be taken by
// another listener; once listening it accepts them.
func TestReserve(t *testing.T) {
	r := Reserve(t)
	_, err := net.DialTimeout("tcp", r.Addr, time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial a reserved port: %v, want connection refused", err)
	}
	if l, err := net.Listen("tcp", r.Addr); err == nil {
		l.Close()
		t.Fatal("another listener took the reserved port")
	}
	l := r.Listen(t)
	defer l.Close()
	if l.Addr().String() != r.Addr {
		t.Fatalf("listening on %s, reserved %s", l.Addr(), r.Addr)
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := net.DialTimeout("tcp", r.Addr, time.Second)
	if err != nil {
		t.Fatalf("dial after Listen: %v", err)
	}
	c.Close()
}
