package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/seal"
)

// watchKeys re-reads the key file when it changes, so servers follow a
// rotation without a restart.
func (a *App) watchKeys(ctx context.Context) {
	path := a.opts.MasterKeyFile
	if path == "" || a.opts.MasterKey != nil {
		return
	}
	every := a.opts.KeyReloadInterval
	if every == 0 {
		every = 2 * time.Second
	}
	last := modTime(path)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if m := modTime(path); !m.Equal(last) {
			keys, err := loadOrCreateKeys(path)
			if err == nil {
				err = a.sealer.Replace(keys...)
			}
			if err != nil {
				a.opts.Logger.Error("master key file changed but could not be loaded", "err", err)
				continue
			}
			last = m
			a.opts.Logger.Info("master keys reloaded", "keys", len(keys))
		}
	}
}

func modTime(path string) time.Time {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// RotateOptions configure RotateMasterKey.
type RotateOptions struct {
	// Wait is how long to let running servers pick up the new key file
	// before re-encrypting (longer than their KeyReloadInterval).
	Wait time.Duration
	// Retire drops the old keys from the file afterwards. Refresh tokens
	// and codes hashed under them stop working then.
	Retire bool
	Out    io.Writer
}

// RotateMasterKey makes a new primary master key and re-encrypts every
// secret at rest under it while servers keep serving: the key file first
// gets the new key in front of the old ones (servers reload it and can read
// both), then every secret is rewritten, twice to catch writes made under
// the old key meanwhile.
func RotateMasterKey(ctx context.Context, o Options, ro RotateOptions) error {
	if o.MasterKey != nil {
		return fmt.Errorf("the master key comes from COGNATE_MASTER_KEY: rotate by changing it and keeping the old key in a key file")
	}
	if o.MasterKeyFile == "" {
		o.MasterKeyFile = filepath.Join(o.DataDir, "master.key")
	}
	if ro.Out == nil {
		ro.Out = io.Discard
	}
	old, err := loadOrCreateKeys(o.MasterKeyFile)
	if err != nil {
		return err
	}
	keys := append([][]byte{seal.NewKey()}, old...)
	if err := writeKeys(o.MasterKeyFile, keys); err != nil {
		return err
	}
	fmt.Fprintf(ro.Out, "new primary key %08x written to %s; waiting %v for servers to load it\n", seal.KeyID(keys[0]), o.MasterKeyFile, ro.Wait)
	time.Sleep(ro.Wait)

	sealer, err := seal.New(keys...)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := idp.New(idp.Config{Store: st, Sealer: sealer, Logger: o.Logger, Region: o.Region, Issuer: func(string) string { return "" }})
	for pass := 1; pass <= 2; pass++ {
		n, err := svc.Reencrypt(ctx)
		if err != nil {
			return fmt.Errorf("re-encryption pass %d: %w", pass, err)
		}
		fmt.Fprintf(ro.Out, "pass %d: re-encrypted %d signing keys, %d client secrets, %d user secrets, %d device verifiers, %d identity-provider secrets\n",
			pass, n.SigningKeys, n.ClientSecrets, n.UserSecrets, n.DeviceVerifiers, n.ProviderSecrets)
	}
	if ro.Retire {
		if err := writeKeys(o.MasterKeyFile, keys[:1]); err != nil {
			return err
		}
		fmt.Fprintf(ro.Out, "old keys retired: %s holds only the new key\n", o.MasterKeyFile)
	}
	return nil
}

// writeKeys replaces the key file atomically (write, sync, rename).
func writeKeys(path string, keys [][]byte) error {
	var lines []string
	for _, k := range keys {
		lines = append(lines, base64.StdEncoding.EncodeToString(k))
	}
	tmp := path + ".new"
	os.Remove(tmp)
	if err := writeFileSync(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
