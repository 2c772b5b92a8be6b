package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/cognate-idp/cognate/internal/totp"
)

// The floor is what one operation of a workload cannot avoid: its
// cryptography. Whatever else a server does (HTTP, JSON, storage, sessions)
// is overhead on top, so the floor's operations per second, two cores
// divided by the crypto's CPU time, bounds any implementation on this
// machine. The tool measures the primitives in-process, with Cognate's own
// code for them (constant-time SRP, crypto/rsa), on the CPU time of one
// locked thread: other load on a shared machine slows a run down but does
// not inflate CPU time much.

// Floor is the crypto floor of one workload.
type Floor struct {
	// PrimitiveMs is the CPU time of each primitive measured, median of
	// rounds.
	PrimitiveMs map[string]float64 `json:"primitive_cpu_ms"`
	// Server is the server's unavoidable crypto per op, e.g.
	// "password-check + 2×rs256-sign".
	Server   string  `json:"server_recipe"`
	ServerMs float64 `json:"server_crypto_ms"`
	// OpsPerS is NumCPU·1000/ServerMs: the sign-ins per second the machine
	// could do if that crypto were all there was.
	OpsPerS float64 `json:"floor_ops_per_s"`
	// Client is the load generator's own unavoidable maths per op (the SRP
	// client's exponentiations), which shares the CPUs with the server when
	// both run on one machine; SharedOpsPerS counts it in.
	Client        string  `json:"client_recipe,omitempty"`
	ClientMs      float64 `json:"client_crypto_ms,omitempty"`
	SharedOpsPerS float64 `json:"shared_floor_ops_per_s"`
	// ReferenceModExpMs is one 3072-bit modular exponentiation with a
	// 256-bit exponent in math/big: the yardstick issue 5 states the floor
	// in, for comparison with the primitives above.
	ReferenceModExpMs float64 `json:"reference_modexp_ms"`
	Cores             int     `json:"cores"`
}

type part struct {
	prim string
	n    int
}

// What one op of each workload must compute, server side and client side.
var (
	serverCrypto = map[string][]part{
		"signup":   {{"password-verifier", 1}},
		"password": {{"password-verifier", 1}, {"rs256-sign", 2}},
		"mfa":      {{"password-verifier", 1}, {"rs256-sign", 2}, {"totp-check", 1}},
		"srp":      {{"srp-server", 1}, {"rs256-sign", 2}},
		"device":   {{"srp-server", 2}, {"rs256-sign", 2}},
		"refresh":  {{"rs256-sign", 2}},
		"getuser":  {{"rs256-verify", 1}},
	}
	clientCrypto = map[string][]part{
		"mfa":    {{"totp-code", 1}},
		"srp":    {{"srp-client", 1}},
		"device": {{"srp-client", 2}},
	}
)

func recipe(parts []part) string {
	var s []string
	for _, p := range parts {
		if p.n == 1 {
			s = append(s, p.prim)
		} else {
			s = append(s, fmt.Sprintf("%d×%s", p.n, p.prim))
		}
	}
	return strings.Join(s, " + ")
}

// measureFloor measures the primitives the workload needs and adds them up.
func measureFloor(workload string) Floor {
	f := Floor{PrimitiveMs: map[string]float64{}, Cores: runtime.NumCPU()}
	prims := newPrimitives()
	cost := func(parts []part) float64 {
		var ms float64
		for _, p := range parts {
			if _, ok := f.PrimitiveMs[p.prim]; !ok {
				f.PrimitiveMs[p.prim] = cpuPerOp(prims[p.prim])
			}
			ms += float64(p.n) * f.PrimitiveMs[p.prim]
		}
		return ms
	}
	f.Server, f.ServerMs = recipe(serverCrypto[workload]), cost(serverCrypto[workload])
	f.Client, f.ClientMs = recipe(clientCrypto[workload]), cost(clientCrypto[workload])
	if f.ServerMs > 0 {
		f.OpsPerS = float64(f.Cores) * 1000 / f.ServerMs
		f.SharedOpsPerS = float64(f.Cores) * 1000 / (f.ServerMs + f.ClientMs)
	}
	f.ReferenceModExpMs = cpuPerOp(prims["reference-modexp"])
	return f
}

// cpuPerOp runs op on one locked thread in rounds of at least 100 ms and
// returns the median CPU time per call, in milliseconds.
func cpuPerOp(op func()) float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	op() // warm caches and lazy tables
	var rounds []float64
	for range 5 {
		n := 0
		t0, c0 := time.Now(), threadCPU()
		for time.Since(t0) < 100*time.Millisecond || n < 3 {
			op()
			n++
		}
		rounds = append(rounds, ms(threadCPU()-c0)/float64(n))
	}
	slices.Sort(rounds)
	return rounds[len(rounds)/2]
}

// threadCPU is the calling thread's user+system CPU time (RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // 1 = RUSAGE_THREAD
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newPrimitives prepares inputs once and returns one closure a primitive.
func newPrimitives() map[string]func() {
	const pool, user, pw = "us-east-1_FloorPool", "floor-user", "Floor-Passw0rd!"
	poolName := srp.PoolName(pool)
	salt, _ := srp.NewSalt()
	verifier := srp.Verifier(poolName, user, pw, salt)

	key, err := token.GenerateKey()
	if err != nil {
		panic(err)
	}
	now := time.Now()
	claims := map[string]any{"sub": "7d8f1c2a-5b3e-4f6a-9c0d-1e2f3a4b5c6d", "iss": "http://127.0.0.1:9229/" + pool,
		"client_id": "abcdefghijklmnopqrstuvwxyz", "origin_jti": "3c1a7e52-0b9d-4e8f-a6c3-5d2e1f0a9b8c", "event_id": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
		"token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"iat": now.Unix(), "jti": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "username": user}
	jwt, err := key.Sign(claims)
	if err != nil {
		panic(err)
	}
	keyByID := func(string) *rsa.PublicKey { return &key.Private.PublicKey }

	secret := totp.NewSecret()
	code, _ := totp.Now(secret, now)

	// One SRP exchange's client side, made once; the server side is
	// re-run on it (B from a fresh b each time would change nothing).
	exchange := func() (*srp.Server, *big.Int, srp.Claim) {
		srv, err := srp.NewServer(verifier)
		if err != nil {
			panic(err)
		}
		cl, err := srp.NewClient()
		if err != nil {
			panic(err)
		}
		block := make([]byte, 64)
		rand.Read(block)
		resp, err := cl.Respond(srp.Challenge{PoolName: poolName, UserID: user, Salt: hex.EncodeToString(salt), B: srv.PublicHex(),
			SecretBlock: base64.StdEncoding.EncodeToString(block)}, pw, now)
		if err != nil {
			panic(err)
		}
		a, err := srp.ParseA(cl.PublicHex())
		if err != nil {
			panic(err)
		}
		sig, _ := base64.StdEncoding.DecodeString(resp.Signature)
		return srv, a, srp.Claim{PoolName: poolName, UserID: user, SecretBlock: block, Timestamp: resp.Timestamp, Signature: sig}
	}
	srv, a, claim := exchange()
	secretB := srv.Secret()

	modBase, _ := rand.Int(rand.Reader, srp.Prime())
	modExp := make([]byte, 32)
	rand.Read(modExp)
	e := new(big.Int).SetBytes(modExp)

	return map[string]func(){
		"password-verifier": func() {
			if !srp.CheckPassword(poolName, user, pw, salt, verifier) {
				panic("floor: password check failed")
			}
		},
		"rs256-sign": func() {
			if _, err := key.Sign(claims); err != nil {
				panic(err)
			}
		},
		"rs256-verify": func() {
			if _, err := token.Parse(jwt, keyByID); err != nil {
				panic(err)
			}
		},
		"totp-check": func() {
			if _, r := totp.Match(secret, code, now, 0); r != totp.Accepted {
				panic("floor: TOTP check failed")
			}
		},
		"totp-code": func() { totp.Now(secret, now) },
		// The server's half of one exchange: B for the challenge, then the
		// proof check, as a node that did not make B restores and verifies.
		"srp-server": func() {
			s, err := srp.RestoreServer(verifier, secretB)
			if err != nil || !s.Verify(a, claim) {
				panic("floor: SRP proof refused")
			}
		},
		"srp-client": func() {
			cl, err := srp.NewClient()
			if err != nil {
				panic(err)
			}
			if _, err := cl.Respond(srp.Challenge{PoolName: poolName, UserID: user, Salt: hex.EncodeToString(salt), B: srv.PublicHex(),
				SecretBlock: "AAAA"}, pw, now); err != nil {
				panic(err)
			}
		},
		"reference-modexp": func() { new(big.Int).Exp(modBase, e, srp.Prime()) },
	}
}
