// Package idp is Cognate's user core: user pools, app clients, schema,
// users, groups, codes, MFA set-up, devices, and the secrets' rotation. The
// sign-in runs in package signin, which asks this package for clients and
// users (signin_core.go); tokens are signed by package tokens' one issuer.
// It knows nothing of HTTP or SQL: requests arrive as api shapes, state
// lives behind store.Store, time comes from an injectable clock.
package idp

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/cognate-idp/cognate/internal/tokens"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// Config is what a Service needs.
type Config struct {
	Store  store.Store
	Sealer *seal.Sealer
	// Now is the clock; tests move it instead of sleeping.
	Now    func() time.Time
	Region string
	// Issuer returns the iss claim for a pool.
	Issuer   func(poolID string) string
	Delivery Delivery
	Logger   *slog.Logger
	// SignIns, when set, is told how each sign-in step ends (metrics).
	SignIns signin.Observer
	// Triggers calls the pools' Lambda triggers; nil: a pool with a
	// trigger gets UnexpectedLambdaException wherever it would run.
	Triggers *triggers.Runner
	// PublicURL is where clients reach the server: user import jobs'
	// pre-signed URLs point there.
	PublicURL string
}

// Service implements the Cognito operations.
type Service struct {
	st       store.Store
	seal     *seal.Sealer
	now      func() time.Time
	region   string
	issuer   func(string) string
	delivery Delivery
	log      *slog.Logger
	tok      *tokens.Issuer
	auth     *signin.Engine
	triggers *triggers.Runner

	keys sync.Map // sha256 of encrypted key -> *token.Key (parsing RSA keys is slow)
	// settings keeps the sign-in's clients and pools (settingscache.go).
	settings settingsCache

	publicURL string
	imports   importRunners // the user import jobs this server runs
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Delivery == nil {
		c.Delivery = dropped{c.Logger}
	}
	now := func() time.Time { return c.Now().UTC() }
	s := &Service{st: c.Store, seal: c.Sealer, now: now, region: c.Region,
		issuer: c.Issuer, delivery: c.Delivery, log: c.Logger, tok: tokens.New(c.Store, c.Sealer, now), triggers: c.Triggers, publicURL: c.PublicURL}
	// Only a store that reports other processes' changes gets a cache; this
	// Service's own writes of pools and clients go through settingsWrites.
	s.settings.feed, _ = c.Store.(store.SettingsFeed)
	s.st = settingsWrites{Store: c.Store, k: &s.settings}
	s.auth = signin.New(signin.Config{Core: signinCore{s}, Sealer: c.Sealer, Store: c.Store, Now: now, Observer: c.SignIns})
	return s
}

// Region is the region pool ids are made in.
func (s *Service) Region() string { return s.region }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// internal turns an unexpected error into InternalErrorException, keeping
// domain errors as they are.
func internal(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := api.As(err); ok {
		return err
	}
	return api.Internal(err)
}

// pool is a loaded user pool.
type pool struct {
	rec *store.Pool
	doc poolDoc
}

func (s *Service) loadPool(ctx context.Context, id string) (*pool, error) {
	rec, err := s.st.GetPool(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, id)
	}
	if err != nil {
		return nil, internal(err)
	}
	p := &pool{rec: rec}
	if err := decodeDoc(rec.Settings, &p.doc); err != nil {
		return nil, internal(err)
	}
	return p, nil
}

// signingKey returns the pool's parsed signing key.
func (s *Service) signingKey(p *pool) (*token.Key, error) {
	h := sha256.Sum256(p.rec.SigningKey)
	if k, ok := s.keys.Load(h); ok {
		return k.(*token.Key), nil
	}
	der, err := s.seal.Decrypt(p.rec.SigningKey, seal.LabelSigningKey(p.rec.ID))
	if err != nil {
		return nil, internal(err)
	}
	k, err := token.ParseKey(der)
	if err != nil {
		return nil, internal(err)
	}
	s.keys.Store(h, k)
	return k, nil
}

// CheckMasterKey opens one pool's signing key, so that a server given the
// wrong master key refuses to start instead of answering every sign-in with
// an internal error. A store without pools has nothing to open yet.
func (s *Service) CheckMasterKey(ctx context.Context) error {
	pools, err := s.st.ListPools(ctx, "", 1)
	if err != nil {
		return err
	}
	if len(pools) == 0 {
		return nil
	}
	if _, err := s.signingKey(&pool{rec: pools[0]}); err != nil {
		return fmt.Errorf("the master key does not open the secrets of pool %s: is it the key this data was written with (--master-key-file, COGNATE_MASTER_KEY)?", pools[0].ID)
	}
	return nil
}

// JWKS returns the pool's public keys as a JSON Web Key Set.
func (s *Service) JWKS(ctx context.Context, poolID string) ([]byte, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	k, err := s.signingKey(p)
	if err != nil {
		return nil, err
	}
	return token.JWKS(k), nil
}

// PublicKey returns the pool's verification key with the given id, if any.
func (s *Service) publicKey(p *pool) func(kid string) *rsa.PublicKey {
	return func(kid string) *rsa.PublicKey {
		k, err := s.signingKey(p)
		if err != nil || k.ID != kid {
			return nil
		}
		return &k.Private.PublicKey
	}
}

// PoolExists reports whether a pool exists (for discovery documents).
func (s *Service) PoolExists(ctx context.Context, id string) error {
	_, err := s.loadPool(ctx, id)
	return err
}
