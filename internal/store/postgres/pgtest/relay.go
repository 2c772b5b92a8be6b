package pgtest

import (
	"net"
	"net/url"
	"sync"
	"testing"
)

// Relay forwards TCP connections to a server and can stop forwarding
// without closing anything: the server then looks silent, as behind a
// network partition, accepting connections and never answering. Resumed,
// what was held flows on, as TCP retransmits after a partition heals.
type Relay struct {
	l      net.Listener
	target string

	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed on Resume
	conns  []net.Conn
}

func NewRelay(t testing.TB, target string) *Relay {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &Relay{l: l, target: target, resume: make(chan struct{})}
	close(r.resume)
	t.Cleanup(func() {
		l.Close()
		r.Resume()
		r.mu.Lock()
		for _, c := range r.conns {
			c.Close()
		}
		r.mu.Unlock()
	})
	go r.accept()
	return r
}

func (r *Relay) Addr() string { return r.l.Addr().String() }

// Pause stops forwarding bytes in both directions.
func (r *Relay) Pause() {
	r.mu.Lock()
	if !r.paused {
		r.paused, r.resume = true, make(chan struct{})
	}
	r.mu.Unlock()
}

// Resume forwards again, what was held included.
func (r *Relay) Resume() {
	r.mu.Lock()
	if r.paused {
		r.paused = false
		close(r.resume)
	}
	r.mu.Unlock()
}

// gate waits while the relay is paused.
func (r *Relay) gate() {
	r.mu.Lock()
	ch := r.resume
	r.mu.Unlock()
	<-ch
}

func (r *Relay) track(c net.Conn) {
	r.mu.Lock()
	r.conns = append(r.conns, c)
	r.mu.Unlock()
}

func (r *Relay) accept() {
	for {
		in, err := r.l.Accept()
		if err != nil {
			return
		}
		r.track(in)
		go func() {
			r.gate() // accepted, but nothing happens while paused
			out, err := net.Dial("tcp", r.target)
			if err != nil {
				in.Close()
				return
			}
			r.track(out)
			go r.pipe(out, in)
			r.pipe(in, out)
		}()
	}
}

// pipe copies src to dst, holding each chunk while the relay is paused.
func (r *Relay) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// ViaRelay returns connString with its host and port replaced by addr.
func ViaRelay(t testing.TB, connString, addr string) (via, target string) {
	u, err := url.Parse(connString)
	if err != nil || u.Host == "" {
		t.Fatalf("the test needs COGNATE_TEST_POSTGRES as a postgres:// URL with a host: %q", connString)
	}
	target = u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	u.Host = addr
	return u.String(), target
}
