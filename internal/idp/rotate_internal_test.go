package idp

import (
	"context"
	"fmt"
	"testing"

	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
)

// TestReencryptPagesThroughDevices: a user's devices are re-encrypted a
// page at a time, every page, however many devices there are (pages of 2
// here, so that five devices take three pages).
func TestReencryptPagesThroughDevices(t *testing.T) {
	defer func(n int) { devicePage = n }(devicePage)
	devicePage = 2
	e := newTestEnv(t, nil, nil)
	ctx := context.Background()
	name := e.user("alice")
	const devices = 5
	for i := range devices {
		dev, err := srp.NewDeviceSecret("-group", fmt.Sprintf("us-east-1_%08d-0000-4000-8000-000000000000", i))
		if err != nil {
			t.Fatal(err)
		}
		d := &store.Device{PoolID: e.pool, Username: name, Key: fmt.Sprintf("us-east-1_%08d-0000-4000-8000-000000000000", i),
			Confirmed: true, Remembered: true, Salt: dev.Salt, Created: e.clock(), Updated: e.clock()}
		d.Verifier = e.svc.seal.Encrypt(dev.Verifier, deviceContext(d))
		if err := e.svc.st.CreateDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	old, err := e.svc.st.ListDevices(ctx, e.pool, name, "", 100)
	if err != nil || len(old) != devices {
		t.Fatalf("devices: %d, %v", len(old), err)
	}

	// Rotate: a new primary key in front of the old one.
	newKey := seal.NewKey()
	if err := e.svc.seal.Replace(newKey, e.key); err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.Reencrypt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.DeviceVerifiers != devices {
		t.Fatalf("re-encrypted %d device verifiers, want %d", n.DeviceVerifiers, devices)
	}
	after, err := e.svc.st.ListDevices(ctx, e.pool, name, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	// With only the new key left, every verifier still opens.
	if err := e.svc.seal.Replace(newKey); err != nil {
		t.Fatal(err)
	}
	for i, d := range after {
		if _, err := e.svc.seal.Decrypt(d.Verifier, deviceContext(d)); err != nil {
			t.Errorf("device %d does not open under the new key alone: %v", i, err)
		}
	}
}
