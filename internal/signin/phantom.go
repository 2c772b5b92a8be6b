package signin

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
)

// Phantom users stand in for unknown users when an app client hides user
// existence (PreventUserExistenceErrors): they go through the same work as
// a real user and always fail.

// PhantomName is the username a phantom user answers to: the canonical
// typed name, or in pools whose users sign in by email or phone (and are
// known by a UUID: byAttribute) a stable UUID derived from it, so that
// USER_ID_FOR_SRP looks alike for real and unknown users.
func PhantomName(sealer *seal.Sealer, poolID, canonical string, byAttribute bool) string {
	if byAttribute {
		return phantomUUID(sealer.MAC(seal.MACPhantomID, poolID, canonical))
	}
	return canonical
}

// Phantom stands in for an unknown user: a stable salt and verifier derived
// from its name, so repeated attempts look like one real user. The verifier
// is derived, not computed from a password, so that the phantom costs the
// same modular exponentiations as a real user: a real user's verifier is
// read, not made, on every sign-in. It is sealed like a real one, so that
// the same decryption runs too. The caller sets the user's status.
func Phantom(sealer *seal.Sealer, poolID, name string) *store.User {
	salt := sealer.MAC(seal.MACPhantomSalt, poolID, name)[:srp.SaltLen]
	v, err := hkdf.Key(sha256.New, sealer.MAC(seal.MACPhantomVerifier, poolID, name), nil, seal.InfoPhantomVerifier, 3072/8)
	if err != nil {
		panic("signin: hkdf: " + err.Error()) // only fails for lengths it cannot produce
	}
	// Below 2^3071, hence below N, whose top bit is set.
	v[0] &= 0x7f
	return &store.User{PoolID: poolID, Username: name, Salt: salt, Enabled: true,
		Verifier: sealer.Encrypt(v, seal.LabelVerifier(poolID, name))}
}

// PhantomWrites stands in, for a phantom, for the store writes a wrong
// password costs a real user (the failure count, and the sign-in event in
// pools that keep them): each is a one-time mark that expires in a minute.
// Writes wait for the disk; without them an unknown user would answer
// measurably faster.
func PhantomWrites(ctx context.Context, st store.Store, now time.Time, writes int) {
	for range writes {
		b := make([]byte, 12)
		rand.Read(b)
		st.MarkUsed(ctx, "phantom:"+base64.RawURLEncoding.EncodeToString(b), now.Add(time.Minute))
	}
}

func phantomUUID(b []byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
