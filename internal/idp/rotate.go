package idp

import (
	"context"
	"errors"

	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// devicePage is how many devices a re-encryption pass reads at once; a
// variable so that a test can make pages small.
var devicePage = 100

// ReencryptCounts says how many secrets a re-encryption pass rewrote.
type ReencryptCounts struct {
	SigningKeys, ClientSecrets, UserSecrets, DeviceVerifiers, ProviderSecrets int
}

// Reencrypt rewrites every secret at rest that is sealed under an older
// master key so that it is sealed under the primary one. It runs while the
// server serves: each row is rewritten in its own atomic update, and a row
// already under the primary key is left alone, so the pass can be repeated.
func (s *Service) Reencrypt(ctx context.Context) (ReencryptCounts, error) {
	var n ReencryptCounts
	after := ""
	for {
		pools, err := s.st.ListPools(ctx, after, 100)
		if err != nil {
			return n, err
		}
		for _, p := range pools {
			after = p.ID
			if err := s.reencryptPool(ctx, p.ID, &n); err != nil {
				return n, err
			}
		}
		if len(pools) < 100 {
			return n, nil
		}
	}
}

// rewrap re-seals box under the primary key if it is under an older one.
func (s *Service) rewrap(box []byte, context string, count *int) ([]byte, error) {
	if len(box) == 0 || !s.seal.NeedsRotation(box) {
		return box, nil
	}
	plain, err := s.seal.Decrypt(box, context)
	if err != nil {
		return nil, err
	}
	*count++
	return s.seal.Encrypt(plain, context), nil
}

func (s *Service) reencryptPool(ctx context.Context, poolID string, n *ReencryptCounts) error {
	_, err := s.st.UpdatePool(ctx, poolID, func(p *store.Pool) error {
		var err error
		if p.SigningKey, err = s.rewrap(p.SigningKey, seal.LabelSigningKey(p.ID), &n.SigningKeys); err != nil {
			return err
		}
		// The identity providers' secrets live in the pool's document.
		var doc poolDoc
		if err := decodeDoc(p.Settings, &doc); err != nil {
			return err
		}
		before := n.ProviderSecrets
		for name, pd := range doc.Providers {
			for k, box := range pd.Secrets {
				if pd.Secrets[k], err = s.rewrap(box, seal.LabelProviderSecret(p.ID, name, k), &n.ProviderSecrets); err != nil {
					return err
				}
			}
		}
		if n.ProviderSecrets != before {
			p.Settings = encodeDoc(doc)
		}
		return nil
	})
	if err != nil {
		return err
	}
	after := ""
	for {
		clients, err := s.st.ListClients(ctx, poolID, after, 100)
		if err != nil {
			return err
		}
		for _, c := range clients {
			after = c.ID
			_, err := s.st.UpdateClient(ctx, c.ID, func(c *store.Client) error {
				var doc clientDoc
				if err := decodeDoc(c.Settings, &doc); err != nil {
					return err
				}
				before := n.ClientSecrets
				if doc.Secret, err = s.rewrap(doc.Secret, secretLabel(c.ID), &n.ClientSecrets); err != nil {
					return err
				}
				for i := range doc.Secrets {
					if doc.Secrets[i].Value, err = s.rewrap(doc.Secrets[i].Value, secretLabel(c.ID), &n.ClientSecrets); err != nil {
						return err
					}
				}
				if n.ClientSecrets != before {
					c.Settings = encodeDoc(doc)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		if len(clients) < 100 {
			break
		}
	}
	return s.eachUser(ctx, poolID, func(u *store.User) error {
		_, err := s.st.UpdateUser(ctx, u.PoolID, u.Username, func(u *store.User) error {
			var err error
			if u.Verifier, err = s.rewrap(u.Verifier, seal.LabelVerifier(u.PoolID, u.Username), &n.UserSecrets); err != nil {
				return err
			}
			if u.TOTPSecret, err = s.rewrap(u.TOTPSecret, totpContext(u), &n.UserSecrets); err != nil {
				return err
			}
			u.TOTPPending, err = s.rewrap(u.TOTPPending, totpContext(u), &n.UserSecrets)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile: nothing left to re-encrypt
		}
		if err != nil {
			return err
		}
		return s.reencryptDevices(ctx, u, n)
	})
}

// reencryptDevices rewraps the verifiers of every device of u, a page at a
// time: a user may have any number of devices.
func (s *Service) reencryptDevices(ctx context.Context, u *store.User, n *ReencryptCounts) error {
	after := ""
	for {
		devices, err := s.st.ListDevices(ctx, u.PoolID, u.Username, after, devicePage)
		if err != nil {
			return err
		}
		for _, d := range devices {
			after = d.Key
			_, err := s.st.UpdateDevice(ctx, d.PoolID, d.Key, func(d *store.Device) error {
				var err error
				d.Verifier, err = s.rewrap(d.Verifier, deviceContext(d), &n.DeviceVerifiers)
				return err
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) { // forgotten meanwhile
				return err
			}
		}
		if len(devices) < devicePage {
			return nil
		}
	}
}
