package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
)

func toBig(z *elem) *big.Int {
	var b [8 * nLimbs]byte
	z.fillBytes(&b)
	return new(big.Int).SetBytes(b[:])
}

// operands returns edge values and random numbers below N.
func operands(t testing.TB, random int) []*big.Int {
	nm1 := new(big.Int).Sub(bigN, big.NewInt(1))
	ops := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), nm1, new(big.Int).Rsh(bigN, 1), new(big.Int).Lsh(big.NewInt(1), 3071)}
	for range random {
		x, err := rand.Int(rand.Reader, bigN)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, x)
	}
	return ops
}

func TestArithmeticMatchesBig(t *testing.T) {
	ops := operands(t, 20)
	for _, x := range ops {
		for _, y := range ops {
			ex, ey := elemFromBig(x), elemFromBig(y)
			var xm, z elem
			xm.toMont(&ex)
			z.montMul(&xm, &ey)
			if want := new(big.Int).Mod(new(big.Int).Mul(x, y), bigN); toBig(&z).Cmp(want) != 0 {
				t.Fatalf("mul(%x, %x)", x, y)
			}
			z.add(&ex, &ey)
			if want := new(big.Int).Mod(new(big.Int).Add(x, y), bigN); toBig(&z).Cmp(want) != 0 {
				t.Fatalf("add(%x, %x)", x, y)
			}
			z.sub(&ex, &ey)
			if want := new(big.Int).Mod(new(big.Int).Sub(x, y), bigN); toBig(&z).Cmp(want) != 0 {
				t.Fatalf("sub(%x, %x)", x, y)
			}
		}
	}
}

func TestExpMatchesBig(t *testing.T) {
	for i, x := range operands(t, 6) {
		for _, n := range []int{0, 1, 17, 31, 32} {
			e := make([]byte, n)
			rand.Read(e)
			if i == 0 && n > 0 {
				for j := range e {
					e[j] = 0xff
				}
			}
			want := new(big.Int).Exp(x, new(big.Int).SetBytes(e), bigN)
			ex := elemFromBig(x)
			var z elem
			z.exp(&ex, e)
			if toBig(&z).Cmp(want) != 0 {
				t.Fatalf("exp(%x, %x)", x, e)
			}
			z.expG(e)
			if want := new(big.Int).Exp(bigG, new(big.Int).SetBytes(e), bigN); toBig(&z).Cmp(want) != 0 {
				t.Fatalf("expG(%x)", e)
			}
		}
	}
}

func TestSetBytes(t *testing.T) {
	var z elem
	nm1 := new(big.Int).Sub(bigN, big.NewInt(1))
	if err := z.setBytes(Pad(nm1)); err != nil || toBig(&z).Cmp(nm1) != 0 {
		t.Errorf("N-1: %v", err)
	}
	if err := z.setBytes(append(make([]byte, 10), 5)); err != nil || toBig(&z).Int64() != 5 {
		t.Errorf("zero-extended 5: %v", err)
	}
	for _, bad := range [][]byte{bigN.Bytes(), Pad(bigN), append([]byte{1}, make([]byte, 384)...)} {
		if z.setBytes(bad) == nil {
			t.Errorf("accepted %d bytes ≥ N", len(bad))
		}
	}
	if z.isZero() != 0 && toBig(&z).Sign() != 0 {
		t.Error("isZero")
	}
}

func TestDigit(t *testing.T) {
	e := []byte{0xab, 0xcd} // 0xabcd
	for _, c := range []struct {
		pos, w int
		want   uint64
	}{
		{0, 6, 0xcd & 63}, {6, 6, (0xabcd >> 6) & 63}, {12, 6, 0xabcd >> 12}, {16, 6, 0}, {30, 6, 0},
	} {
		if got := digit(e, c.pos, c.w); got != c.want {
			t.Errorf("digit(%d, %d) = %#x, want %#x", c.pos, c.w, got, c.want)
		}
	}
}
