package srp

import "testing"

// FuzzParseA: any SRP_A string is parsed or refused, never a panic, and an
// accepted value is in [1, N).
func FuzzParseA(f *testing.F) {
	for _, s := range []string{"0", "1", "ff", PrimeHex, "-1", "0x10", "", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseA(s)
		if err == nil && !inGroupRange(a) {
			t.Fatalf("accepted %q out of range", s)
		}
	})
}
