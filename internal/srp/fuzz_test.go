package srp

import (
	"testing"
	"time"
)

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

// FuzzParseTimestamp: any TIMESTAMP is parsed or refused, never a panic; an
// accepted one is a UTC time that the clients' own format renders to a
// string parsing back to the same instant (the signature covers the string
// as sent, so the parser must not invent a different time for it).
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"Sun Nov 2 03:04:05 UTC 2026", "Sun Nov 02 03:04:05 UTC 2026", "Mon Jan 2 15:04:05 UTC 2006",
		"Tue Feb 29 23:59:60 UTC 2028", "Wed Dec 31 24:00:00 UTC 9999", "Thu Jan  1 00:00:00 UTC 1970", "", "yesterday",
		"Fri Mar 3 3:4:5 UTC 2023", "Sat Apr 31 00:00:00 UTC 2023", "Sun Nov 2 03:04:05 GMT 2026", "Sun Nov 2 03:04:05 UTC -001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		if ts.Location() != time.UTC {
			t.Fatalf("%q parsed to %v, not UTC", s, ts)
		}
		again, err := ParseTimestamp(FormatTimestamp(ts))
		if err != nil || !again.Equal(ts) {
			t.Fatalf("%q parsed to %v, whose rendering %q parses to %v, %v", s, ts, FormatTimestamp(ts), again, err)
		}
	})
}
