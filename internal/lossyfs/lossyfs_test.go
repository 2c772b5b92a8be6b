package lossyfs

import (
	"os"
	"path/filepath"
	"testing"
)

// mountOrFail mounts in temp dirs; where FUSE cannot be mounted the test
// skips, except under CI=true, where that is a failure.
func mountOrFail(t *testing.T) *FS {
	t.Helper()
	base := t.TempDir()
	dirs := [3]string{}
	for i, name := range []string{"mnt", "backing", "durable"} {
		dirs[i] = filepath.Join(base, name)
		if err := os.Mkdir(dirs[i], 0o700); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Mount(dirs[0], dirs[1], dirs[2])
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("FUSE mount: %v (CI=true forbids skipping)", err)
		}
		t.Skipf("FUSE mount not possible here: %v", err)
	}
	t.Cleanup(func() { f.Crash() })
	return f
}

// TestCrashKeepsOnlySyncedData: after Crash, a file holds what it held at
// its last fsync, a file never synced is gone, and unlinks and renames hold.
func TestCrashKeepsOnlySyncedData(t *testing.T) {
	f := mountOrFail(t)
	write := func(name, s string, sync bool) {
		t.Helper()
		h, err := os.OpenFile(filepath.Join(f.Dir, name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.WriteString(s); err != nil {
			t.Fatal(err)
		}
		if sync {
			if err := h.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		h.Close()
	}
	if err := os.Mkdir(filepath.Join(f.Dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	write("sub/synced", "kept", true)
	write("sub/synced", " lost", false)
	write("unsynced", "lost", false)
	write("gone", "x", true)
	if err := os.Remove(filepath.Join(f.Dir, "gone")); err != nil {
		t.Fatal(err)
	}
	write("old", "moved", true)
	if err := os.Rename(filepath.Join(f.Dir, "old"), filepath.Join(f.Dir, "new")); err != nil {
		t.Fatal(err)
	}
	// Before the crash everything reads back as written.
	if b, _ := os.ReadFile(filepath.Join(f.Dir, "sub/synced")); string(b) != "kept lost" {
		t.Fatalf("before the crash: %q", b)
	}
	if f.Syncs() != 3 {
		t.Errorf("%d fsyncs served, want 3", f.Syncs())
	}
	dir, err := f.Crash()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub/synced")); err != nil || string(b) != "kept" {
		t.Errorf("synced file after the crash: %q %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "new")); err != nil || string(b) != "moved" {
		t.Errorf("renamed file after the crash: %q %v", b, err)
	}
	for _, name := range []string{"unsynced", "gone", "old"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s survived the crash: %v", name, err)
		}
	}
}
