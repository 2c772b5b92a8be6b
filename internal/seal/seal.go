// Package seal owns Cognate's symmetric cryptography: encrypting secrets at
// rest, sealing challenge sessions into opaque strings any node can open, and
// keyed hashes of codes and tokens. Every key is derived from one master key.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
)

// KeySize is the master key's length in bytes.
const KeySize = 32

// ErrOpen is returned for any ciphertext that does not open: wrong key,
// tampering, truncation or another purpose.
var ErrOpen = errors.New("seal: message does not open")

const version = 1

// Sealer encrypts under the primary master key and opens under any key it
// was given, so a rotation can proceed while old ciphertexts remain. Its
// keys can be replaced while it is in use (Replace).
type Sealer struct {
	keys atomic.Pointer[keyset]
}

type keyset struct {
	primary uint32
	data    map[uint32]cipher.AEAD
	session map[uint32]cipher.AEAD
	macs    [][]byte // MAC keys, the primary's first
}

// New returns a Sealer whose primary key is keys[0]; the rest are older
// keys that can still open data.
func New(keys ...[]byte) (*Sealer, error) {
	s := &Sealer{}
	if err := s.Replace(keys...); err != nil {
		return nil, err
	}
	return s, nil
}

// Replace swaps in a new key list (primary first), for example after a
// rotation wrote a new key file.
func (s *Sealer) Replace(keys ...[]byte) error {
	if len(keys) == 0 {
		return errors.New("seal: no master key")
	}
	ks := &keyset{data: map[uint32]cipher.AEAD{}, session: map[uint32]cipher.AEAD{}}
	for i, k := range keys {
		if len(k) != KeySize {
			return fmt.Errorf("seal: master key must be %d bytes, got %d", KeySize, len(k))
		}
		id := KeyID(k)
		var err error
		if ks.data[id], err = aead(k, "cognate data v1"); err != nil {
			return err
		}
		if ks.session[id], err = aead(k, "cognate session v1"); err != nil {
			return err
		}
		mac, err := hkdf.Key(sha256.New, k, nil, "cognate mac v1", 32)
		if err != nil {
			return err
		}
		ks.macs = append(ks.macs, mac)
		if i == 0 {
			ks.primary = id
		}
	}
	s.keys.Store(ks)
	return nil
}

// KeyID names a master key without revealing it.
func KeyID(k []byte) uint32 {
	h := sha256.Sum256(append([]byte("cognate key id\x00"), k...))
	return binary.BigEndian.Uint32(h[:4])
}

func aead(master []byte, info string) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, master, nil, info, 32)
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// NewKey returns a fresh random master key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k)
	return k
}

// Layout: version(1) | key id(4) | nonce(12) | ciphertext+tag.
func seal(keys map[uint32]cipher.AEAD, id uint32, plaintext, context []byte) []byte {
	a := keys[id]
	out := make([]byte, 5, 5+a.NonceSize()+len(plaintext)+a.Overhead())
	out[0] = version
	binary.BigEndian.PutUint32(out[1:5], id)
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return a.Seal(out, nonce, plaintext, context)
}

func open(keys map[uint32]cipher.AEAD, box, context []byte) ([]byte, error) {
	if len(box) < 5 || box[0] != version {
		return nil, ErrOpen
	}
	a, ok := keys[binary.BigEndian.Uint32(box[1:5])]
	if !ok || len(box) < 5+a.NonceSize()+a.Overhead() {
		return nil, ErrOpen
	}
	n := a.NonceSize()
	pt, err := a.Open(nil, box[5:5+n], box[5+n:], context)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// Encrypt encrypts a secret for storage. context binds the ciphertext to
// its place (say "totp|pool|user") so it cannot be moved to another row.
func (s *Sealer) Encrypt(plaintext []byte, context string) []byte {
	ks := s.keys.Load()
	return seal(ks.data, ks.primary, plaintext, []byte(context))
}

// Decrypt opens what Encrypt produced with the same context.
func (s *Sealer) Decrypt(box []byte, context string) ([]byte, error) {
	return open(s.keys.Load().data, box, []byte(context))
}

// NeedsRotation reports whether box was sealed under an older key.
func (s *Sealer) NeedsRotation(box []byte) bool {
	return len(box) >= 5 && binary.BigEndian.Uint32(box[1:5]) != s.keys.Load().primary
}

// SealBytes seals transient state (a session, an SRP secret block) under
// the session key.
func (s *Sealer) SealBytes(plaintext []byte, context string) []byte {
	ks := s.keys.Load()
	return seal(ks.session, ks.primary, plaintext, []byte(context))
}

// OpenBytes opens what SealBytes produced with the same context.
func (s *Sealer) OpenBytes(box []byte, context string) ([]byte, error) {
	return open(s.keys.Load().session, box, []byte(context))
}

// SealString seals a session into URL-safe base64 text.
func (s *Sealer) SealString(plaintext []byte, context string) string {
	return base64.RawURLEncoding.EncodeToString(s.SealBytes(plaintext, context))
}

// OpenString opens what SealString produced with the same context.
func (s *Sealer) OpenString(text, context string) ([]byte, error) {
	box, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return nil, ErrOpen
	}
	return s.OpenBytes(box, context)
}

// MAC is a keyed hash for values stored only to be compared later (codes,
// refresh tokens): without the master key the stored hash does not even let
// a six-digit code be guessed offline. It uses the primary key.
func (s *Sealer) MAC(parts ...string) []byte { return mac(s.keys.Load().macs[0], parts) }

// MACs returns the value's MAC under every key, the primary's first: a
// value hashed before a rotation still matches.
func (s *Sealer) MACs(parts ...string) [][]byte {
	ks := s.keys.Load()
	out := make([][]byte, len(ks.macs))
	for i, k := range ks.macs {
		out[i] = mac(k, parts)
	}
	return out
}

func mac(key []byte, parts []string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}
