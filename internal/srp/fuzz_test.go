package srp

import (
	"math/big"
	"strings"
	"testing"
)

// FuzzParseA: any SRP_A string is parsed or refused, never a panic; a
// string of hex digits is accepted exactly when its value is in [1, N), and
// then to that value (A ≡ 0 mod N would let a client fix the shared
// secret). The range is checked here with math/big on the RFC's N, not with
// the package's own range check.
func FuzzParseA(f *testing.F) {
	n, _ := new(big.Int).SetString(PrimeHex, 16)
	for _, s := range []string{"0", "00", "1", "ff", PrimeHex, "0" + PrimeHex, "-1", "0x10", "", "zz", "+1", "1_0"} {
		f.Add(s)
	}
	f.Add(new(big.Int).Sub(n, big.NewInt(1)).Text(16))
	f.Add(new(big.Int).Lsh(n, 1).Text(16))
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseA(s)
		want, hex := new(big.Int).SetString(s, 16)
		for _, c := range s {
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				hex = false
			}
		}
		inRange := hex && want.Sign() > 0 && want.Cmp(n) < 0 && len(s) <= maxPublicHex
		switch {
		case err == nil && !inRange:
			t.Fatalf("accepted %q (hex %v), out of [1, N)", s, hex)
		case err == nil && a.Cmp(want) != 0:
			t.Fatalf("%q parsed to %x", s, a)
		case err != nil && inRange:
			t.Fatalf("refused %q, a value in [1, N): %v", s, err)
		}
	})
}
