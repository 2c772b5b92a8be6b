// Package lossyfs mounts, for crash tests, a FUSE file system that forgets
// what was never synced. It passes every operation through to a backing
// directory and keeps, beside it, the durable image: the content each file
// had at its last fsync. Crash unmounts it and leaves the durable image,
// which is what a disk holds after a power cut that lost the page cache:
// data written but not synced is gone, files created and never synced do
// not exist. Unlinks and renames are taken as durable at once (a real file
// system may still lose them; losing them only brings back old data).
//
// A kill -9 test cannot see a missing fsync, since the kernel keeps the
// page cache of a killed process; this can.
package lossyfs

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// FS is a mounted lossy file system.
type FS struct {
	Dir     string // the mount point: what the program under test uses
	backing string
	durable string
	server  *fuse.Server

	mu     sync.Mutex
	syncs  int
	closed bool
}

// Mount serves a lossy file system at mountDir over an empty backing
// directory, keeping the durable image in durableDir. Both dirs must exist
// and be empty. It needs /dev/fuse and the right to mount (root).
func Mount(mountDir, backingDir, durableDir string) (*FS, error) {
	f := &FS{Dir: mountDir, backing: backingDir, durable: durableDir}
	var st syscall.Stat_t
	if err := syscall.Stat(backingDir, &st); err != nil {
		return nil, err
	}
	root := &fs.LoopbackRoot{Path: backingDir, Dev: uint64(st.Dev)}
	rn := &node{LoopbackNode: &fs.LoopbackNode{RootData: root}, fsys: f}
	root.RootNode = rn
	srv, err := fs.Mount(mountDir, rn, &fs.Options{MountOptions: fuse.MountOptions{
		DirectMountStrict: true, // as root, without fusermount
		FsName:            "lossyfs",
		Name:              "lossyfs",
		DisableXAttrs:     true,
	}})
	if err != nil {
		return nil, err
	}
	f.server = srv
	return f, nil
}

// Syncs reports how many fsyncs the file system has served.
func (f *FS) Syncs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncs
}

// Crash unmounts the file system (the programs using it must have exited)
// and returns the directory holding what survived: the durable image.
func (f *FS) Crash() (string, error) {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	if err := f.server.Unmount(); err != nil {
		return "", err
	}
	return f.durable, nil
}

// persist copies the backing file rel into the durable image.
func (f *FS) persist(rel string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.syncs++
	src, err := os.Open(filepath.Join(f.backing, rel))
	if err != nil {
		return err
	}
	defer src.Close()
	dst := filepath.Join(f.durable, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// durableOp applies an unlink or a rename to the durable image.
func (f *FS) durableOp(op func(durable string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		op(f.durable)
	}
}

type node struct {
	*fs.LoopbackNode
	fsys *FS
}

var (
	_ fs.NodeWrapChilder = (*node)(nil)
	_ fs.NodeOpener      = (*node)(nil)
	_ fs.NodeCreater     = (*node)(nil)
	_ fs.NodeUnlinker    = (*node)(nil)
	_ fs.NodeRenamer     = (*node)(nil)
)

func (n *node) WrapChild(ctx context.Context, ops fs.InodeEmbedder) fs.InodeEmbedder {
	return &node{LoopbackNode: ops.(*fs.LoopbackNode), fsys: n.fsys}
}

func (n *node) rel(name string) string {
	return filepath.Join(n.EmbeddedInode().Path(nil), name)
}

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	fh, ff, errno := n.LoopbackNode.Open(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	return &file{LoopbackFile: fh.(*fs.LoopbackFile), rel: n.rel(""), fsys: n.fsys}, ff, 0
}

func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	in, fh, ff, errno := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	return in, &file{LoopbackFile: fh.(*fs.LoopbackFile), rel: n.rel(name), fsys: n.fsys}, ff, 0
}

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	errno := n.LoopbackNode.Unlink(ctx, name)
	if errno == 0 {
		rel := n.rel(name)
		n.fsys.durableOp(func(d string) error { return os.Remove(filepath.Join(d, rel)) })
	}
	return errno
}

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	from := n.rel(name)
	to := filepath.Join(newParent.EmbeddedInode().Path(nil), newName)
	errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags)
	if errno == 0 {
		n.fsys.durableOp(func(d string) error {
			err := os.Rename(filepath.Join(d, from), filepath.Join(d, to))
			if errors.Is(err, os.ErrNotExist) {
				os.Remove(filepath.Join(d, to)) // the new name holds unsynced data only
			}
			return err
		})
	}
	return errno
}

// file is an open file whose fsync also makes its content durable.
type file struct {
	*fs.LoopbackFile
	rel  string
	fsys *FS
}

func (f *file) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	if errno := f.LoopbackFile.Fsync(ctx, flags); errno != 0 {
		return errno
	}
	if err := f.fsys.persist(f.rel); err != nil {
		return fs.ToErrno(err)
	}
	return 0
}

// PassthroughFd is refused so that every write goes through this server.
func (f *file) PassthroughFd() (int, bool) { return 0, false }
