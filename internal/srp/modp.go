package srp

import (
	"errors"
	"math/big"
	"math/bits"
	"sync"
	"sync/atomic"
)

// This file is the constant-time arithmetic modulo the one SRP prime N.
//
// Why not filippo.io/bigmod or math/big: bigmod is constant time but has
// assembly only for 1024/1536/2048-bit moduli; at 3072 bits it runs a generic
// two-pass Montgomery loop, and its exported Mul pays a second Montgomery
// multiplication to leave the Montgomery domain on every call. math/big has
// assembly but is variable time and cannot be used with the secret exponents
// here (x, b). Knowing N at compile time lets this file use a fused one-pass
// Montgomery loop over fixed-size arrays (no bounds checks, m0inv = 1 because
// N ≡ -1 mod 2^64) and keep values in the Montgomery domain across a whole
// computation. The measurements that decided this are at the top of srp.go.

const nLimbs = 3072 / 64

// elem is a number below N as little-endian 64-bit limbs. Whether it is in the
// Montgomery domain (multiplied by R = 2^3072) is up to the code holding it.
type elem [nLimbs]uint64

var (
	modN   = elemFromBig(bigN)
	rrModN = elemFromBig(new(big.Int).Mod(new(big.Int).Lsh(big.NewInt(1), 2*3072), bigN)) // R² mod N
	oneR   = elemFromBig(new(big.Int).Mod(new(big.Int).Lsh(big.NewInt(1), 3072), bigN))   // R mod N, 1 in Montgomery form
)

// elemFromBig converts a public value below 2^3072; it is variable time.
func elemFromBig(x *big.Int) elem {
	var z elem
	if !z.load(x.Bytes()) {
		panic("srp: constant too large")
	}
	return z
}

var errRange = errors.New("srp: number not below N")

// setBytes sets z from big-endian bytes, which may carry leading zeros, and
// refuses values ≥ N. Only the length of b affects timing.
func (z *elem) setBytes(b []byte) error {
	if !z.load(b) {
		return errRange
	}
	var t elem
	if t.subN(z) == 0 {
		return errRange
	}
	return nil
}

// load sets z from big-endian bytes and reports whether they fit 3072 bits.
func (z *elem) load(b []byte) bool {
	*z = elem{}
	for i, c := range b {
		pos := len(b) - 1 - i // byte index from the least significant end
		if pos >= 8*nLimbs {
			if c != 0 {
				return false
			}
			continue
		}
		z[pos/8] |= uint64(c) << (8 * (pos % 8))
	}
	return true
}

// fillBytes writes z as exactly 384 big-endian bytes.
func (z *elem) fillBytes(out *[8 * nLimbs]byte) {
	for i, l := range z {
		for j := 0; j < 8; j++ {
			out[len(out)-1-8*i-j] = byte(l >> (8 * j))
		}
	}
}

// subN sets z = x - N and returns the borrow (1 when x < N).
func (z *elem) subN(x *elem) uint64 {
	var borrow uint64
	for i := 0; i < nLimbs; i++ {
		z[i], borrow = bits.Sub64(x[i], modN[i], borrow)
	}
	return borrow
}

// choose sets z = x when on is 1 and leaves z unchanged when on is 0.
func (z *elem) choose(on uint64, x *elem) {
	mask := -on
	for i := 0; i < nLimbs; i++ {
		z[i] ^= mask & (z[i] ^ x[i])
	}
}

// isZero returns 1 when z is zero, else 0, without branching on the limbs.
func (z *elem) isZero() uint64 {
	var acc uint64
	for i := 0; i < nLimbs; i++ {
		acc |= z[i]
	}
	// acc | -acc has its top bit set iff acc != 0.
	return 1 ^ ((acc | -acc) >> 63)
}

// reduceOnce subtracts N from the value carry·2^3072 + z when it is ≥ N,
// bringing any value below 2N into range.
func (z *elem) reduceOnce(carry uint64) {
	var t elem
	borrow := t.subN(z)
	// Keep the difference if the full value overflowed 3072 bits or if the
	// subtraction did not underflow.
	z.choose(carry|(1^borrow), &t)
}

// add sets z = x + y mod N.
func (z *elem) add(x, y *elem) {
	var carry uint64
	for i := 0; i < nLimbs; i++ {
		z[i], carry = bits.Add64(x[i], y[i], carry)
	}
	z.reduceOnce(carry)
}

// sub sets z = x - y mod N.
func (z *elem) sub(x, y *elem) {
	var borrow uint64
	for i := 0; i < nLimbs; i++ {
		z[i], borrow = bits.Sub64(x[i], y[i], borrow)
	}
	// On underflow add N back; adding the masked N keeps it branch-free.
	mask := -borrow
	var carry uint64
	for i := 0; i < nLimbs; i++ {
		z[i], carry = bits.Add64(z[i], modN[i]&mask, carry)
	}
}

// montMul sets z = x·y/R mod N. It interleaves the product and the reduction
// in a single pass (each step adds x·y[i] and m·N, then drops one limb),
// keeping two independent carry chains. N ≡ -1 mod 2^64, so the Montgomery
// factor m for each step is the low limb itself. z may alias x or y.
func (z *elem) montMul(x, y *elem) {
	var t elem
	var top uint64 // bit 3072 of the running value, which stays below 2N
	for i := 0; i < nLimbs; i++ {
		yi := y[i]

		hi, lo := bits.Mul64(x[0], yi)
		var c uint64
		lo, c = bits.Add64(lo, t[0], 0)
		carryXY := hi + c
		m := lo // m = lo · (-N⁻¹ mod 2^64) and -N⁻¹ ≡ 1
		mhi, mlo := bits.Mul64(modN[0], m)
		_, c = bits.Add64(lo, mlo, 0) // the low limb becomes zero by design
		carryMN := mhi + c

		for j := 1; j < nLimbs; j++ {
			hi, lo := bits.Mul64(x[j], yi)
			lo, c := bits.Add64(lo, t[j], 0)
			hi += c
			lo, c = bits.Add64(lo, carryXY, 0)
			carryXY = hi + c

			mhi, mlo := bits.Mul64(modN[j], m)
			lo, c = bits.Add64(lo, mlo, 0)
			mhi += c
			lo, c = bits.Add64(lo, carryMN, 0)
			carryMN = mhi + c

			t[j-1] = lo
		}
		s, c1 := bits.Add64(carryXY, carryMN, 0)
		s, c2 := bits.Add64(s, top, 0)
		t[nLimbs-1] = s
		top = c1 + c2
	}
	t.reduceOnce(top)
	*z = t
}

// toMont sets z = x·R mod N.
func (z *elem) toMont(x *elem) { z.montMul(x, &rrModN) }

// fromMont sets z = x/R mod N.
func (z *elem) fromMont(x *elem) {
	one := elem{1}
	z.montMul(x, &one)
}

// exponentiations counts the modular exponentiations (exp and expG) this
// process has done. One atomic add per exponentiation costs nothing next to
// its ~4000 multiplications, and it lets tests show that two code paths do
// the same work (PreventUserExistenceErrors' phantom users) by counting
// rather than by timing.
var exponentiations atomic.Uint64

// Exponentiations returns how many 3072-bit modular exponentiations the
// server-side code of this package has done since the process started.
func Exponentiations() uint64 { return exponentiations.Load() }

// expWindow is the window width of the variable-base exponentiation; with
// 256-bit exponents 4 bits needs the fewest multiplications (14 to build the
// table, 64 in the loop, besides the 256 squarings). exp takes two windows
// from each exponent byte, so changing it means changing exp.
const expWindow = 4

// exp sets z = x^e mod N for x below N (not in Montgomery form) and a
// big-endian exponent e. Timing depends on len(e) but not on the values of x
// or e: every window multiplies by a table entry picked with a full scan.
func (z *elem) exp(x *elem, e []byte) {
	exponentiations.Add(1)
	var table [1 << expWindow]elem // table[d] = x^d, Montgomery form
	table[0] = oneR
	table[1].toMont(x)
	for d := 2; d < len(table); d++ {
		table[d].montMul(&table[d-1], &table[1])
	}

	acc := oneR
	var entry elem
	for _, byt := range e {
		for _, shift := range [2]uint{expWindow, 0} {
			for range expWindow {
				acc.montMul(&acc, &acc)
			}
			lookup(&entry, table[:], uint64(byt>>shift)&(1<<expWindow-1))
			acc.montMul(&acc, &entry)
		}
	}
	z.fromMont(&acc)
}

// lookup sets z = table[d] reading every entry, so the memory access pattern
// does not reveal d. It works on one 64-byte cache line of limbs at a time,
// across all entries, with the eight accumulators in registers: 1.0 µs for
// 64 entries, where or-ing whole entries into z took 2.1 µs and one limb at
// a time was slower still.
func lookup(z *elem, table []elem, d uint64) {
	var buf [max(1<<combWindow, 1<<expWindow)]uint64
	masks := buf[:len(table)]
	for i := range masks {
		diff := uint64(i) ^ d
		masks[i] = ((diff | -diff) >> 63) - 1 // all ones only when i == d
	}
	for j := 0; j < nLimbs; j += 8 {
		var a0, a1, a2, a3, a4, a5, a6, a7 uint64
		for i, m := range masks {
			l := (*[8]uint64)(table[i][j : j+8])
			a0 |= m & l[0]
			a1 |= m & l[1]
			a2 |= m & l[2]
			a3 |= m & l[3]
			a4 |= m & l[4]
			a5 |= m & l[5]
			a6 |= m & l[6]
			a7 |= m & l[7]
		}
		z[j], z[j+1], z[j+2], z[j+3] = a0, a1, a2, a3
		z[j+4], z[j+5], z[j+6], z[j+7] = a4, a5, a6, a7
	}
}

// Fixed-base exponentiation of g (a comb): with the exponent split into
// w-bit digits e = Σ dᵢ·2^(w·i), g^e = Π tableᵢ[dᵢ] where
// tableᵢ[d] = g^(d·2^(w·i)). That replaces the 256 squarings of a generic
// exponentiation with one multiplication per digit.
const (
	combWindow  = 5
	combBits    = 256 // longest exponent the table covers: SHA-256 x and 32-byte b
	combRows    = (combBits + combWindow - 1) / combWindow
	combEntries = 1 << combWindow
)

// combTable costs 640 KiB and ~7 ms to build, so it is built on first use
// rather than at program start.
var combTable = sync.OnceValue(buildCombTable)

func buildCombTable() *[combRows][combEntries]elem {
	t := new([combRows][combEntries]elem)
	var base elem // g^(2^(w·i)) in Montgomery form
	base.toMont(&elem{generator})
	for i := range t {
		t[i][0] = oneR
		t[i][1] = base
		for d := 2; d < combEntries; d++ {
			t[i][d].montMul(&t[i][d-1], &base)
		}
		// The next row's base is this one raised to 2^w = g^(2^(w·(i+1))).
		base.montMul(&t[i][combEntries-1], &base)
	}
	return t
}

// expG sets z = g^e mod N for a big-endian exponent of at most combBits bits,
// in time independent of e's value.
func (z *elem) expG(e []byte) {
	if 8*len(e) > combBits {
		panic("srp: exponent longer than the fixed-base table")
	}
	exponentiations.Add(1)
	t := combTable()
	var acc, entry elem
	lookup(&acc, t[0][:], digit(e, 0, combWindow))
	for i := 1; i < combRows; i++ {
		lookup(&entry, t[i][:], digit(e, i*combWindow, combWindow))
		acc.montMul(&acc, &entry)
	}
	z.fromMont(&acc)
}

// digit returns the w bits of big-endian e starting at bit position pos
// (counted from the least significant bit), reading beyond e as zeros.
// Its timing depends only on len(e), pos and w.
func digit(e []byte, pos, w int) uint64 {
	var d uint64
	for k := 0; k < w; k++ {
		p := pos + k
		byteIdx := len(e) - 1 - p/8
		if byteIdx < 0 {
			break
		}
		d |= uint64(e[byteIdx]>>(p%8)&1) << k
	}
	return d
}
