package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/totp"
)

// LoadConfig is one -load invocation: fill a pool of a server's store
// (stopped, or sharing it: writes go through the store's transactions) with
// users, without the API.
type LoadConfig struct {
	DataDir     string
	DatabaseURL string
	MasterKey   []byte // nil: the data dir's key file, as the server uses
	PoolID      string // created when absent
	Users       int
	Prefix      string // usernames are Prefix + 7 digits
	Password    string
	Batch       int // users a transaction
	Log         io.Writer
}

// LoadReport says what -load did.
type LoadReport struct {
	PoolID     string  `json:"pool_id"`
	Users      int     `json:"users"`
	Seconds    float64 `json:"seconds"`
	UsersPerS  float64 `json:"users_per_s"`
	PoolBefore int     `json:"pool_users_before"`
	PoolAfter  int     `json:"pool_users_after"`
}

// loadUsers opens the store the way the server does and writes confirmed
// users, each with an email, a password (its own salt and SRP verifier) and
// a verified TOTP authenticator with a secret of its own, all sealed with
// the master key: rows like the ones sign-up and MFA set-up leave, so a
// benchmark against them reads and updates realistic records. It does not
// fake users; it only skips HTTP and one commit each.
func loadUsers(ctx context.Context, cfg LoadConfig) (*LoadReport, error) {
	if cfg.Batch <= 0 {
		cfg.Batch = 2000
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "load-"
	}
	if cfg.Password == "" {
		cfg.Password = "Bench-Passw0rd!"
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	a, err := app.New(ctx, app.Options{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, MasterKey: cfg.MasterKey,
		// Keys are only needed to serve; these keep app.New from writing
		// a credentials file into the data dir.
		AccessKeyID: "AKLOADER", SecretAccessKey: "unused-by-the-loader",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, "http://127.0.0.1")
	if err != nil {
		return nil, err
	}
	defer a.Shutdown(context.Background())
	svc := a.Service
	desc, err := svc.DescribeUserPool(ctx, &api.DescribeUserPoolInput{UserPoolId: cfg.PoolID})
	if api.IsCode(err, api.ErrResourceNotFound) {
		if _, err := svc.CreatePool(ctx, cfg.PoolID, &api.CreateUserPoolInput{PoolName: "cognate-bench-load"}); err != nil {
			return nil, fmt.Errorf("CreatePool %s: %w", cfg.PoolID, err)
		}
		desc, err = svc.DescribeUserPool(ctx, &api.DescribeUserPoolInput{UserPoolId: cfg.PoolID})
	}
	if err != nil {
		return nil, fmt.Errorf("DescribeUserPool %s: %w", cfg.PoolID, err)
	}
	rep := &LoadReport{PoolID: cfg.PoolID, Users: cfg.Users, PoolBefore: int(desc.UserPool.EstimatedNumberOfUsers)}
	start := time.Now()
	last := start
	for from := 0; from < cfg.Users; from += cfg.Batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(cfg.Batch, cfg.Users-from)
		batch := make([]idp.ImportUser, n)
		for i := range batch {
			name := fmt.Sprintf("%s%07d", cfg.Prefix, from+i)
			batch[i] = idp.ImportUser{Username: name, Password: cfg.Password, TOTPSecret: totp.NewSecret(),
				Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"}}
		}
		if err := svc.ImportUsers(ctx, cfg.PoolID, batch); err != nil {
			return nil, fmt.Errorf("users %d–%d: %w", from, from+n-1, err)
		}
		if time.Since(last) > 10*time.Second || from+n == cfg.Users {
			last = time.Now()
			el := time.Since(start).Seconds()
			fmt.Fprintf(cfg.Log, "load: %d/%d users, %.0f s, %.0f users/s\n", from+n, cfg.Users, el, float64(from+n)/el)
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	if rep.Seconds > 0 {
		rep.UsersPerS = float64(cfg.Users) / rep.Seconds
	}
	if desc, err := svc.DescribeUserPool(ctx, &api.DescribeUserPoolInput{UserPoolId: cfg.PoolID}); err == nil {
		rep.PoolAfter = int(desc.UserPool.EstimatedNumberOfUsers)
	}
	return rep, nil
}
