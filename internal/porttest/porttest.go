// Package porttest gives tests a loopback port that stands for a server
// that is down and comes up later, without the race of closing a listener
// and listening again on its port (another process may take the port in
// between, and the test would have to skip).
package porttest

import (
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
)

// Reserved is a TCP port on 127.0.0.1 held by a socket that is bound but
// not listening: connecting to it is refused, as to a server that is down,
// and no other socket can bind the port until Listen makes it a listener.
type Reserved struct {
	Addr string // 127.0.0.1:port
	fd   int
	open bool
}

// Reserve binds a free port. The socket is closed when the test ends unless
// Listen has taken it over.
func Reserve(t testing.TB) *Reserved {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("porttest: socket: %v", err)
	}
	syscall.CloseOnExec(fd)
	// No SO_REUSEADDR: with it another socket setting it too could bind the
	// same port while this one is not listening.
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		t.Fatalf("porttest: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		t.Fatalf("porttest: getsockname: %v", err)
	}
	r := &Reserved{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port)), fd: fd, open: true}
	t.Cleanup(func() {
		if r.open {
			syscall.Close(r.fd)
		}
	})
	return r
}

// Listen starts listening on the reserved port: the server is up.
func (r *Reserved) Listen(t testing.TB) net.Listener {
	t.Helper()
	if !r.open {
		t.Fatal("porttest: Listen called twice")
	}
	if err := syscall.Listen(r.fd, syscall.SOMAXCONN); err != nil {
		t.Fatalf("porttest: listen: %v", err)
	}
	r.open = false
	f := os.NewFile(uintptr(r.fd), "porttest")
	defer f.Close() // FileListener holds a duplicate
	l, err := net.FileListener(f)
	if err != nil {
		t.Fatalf("porttest: %v", err)
	}
	return l
}
