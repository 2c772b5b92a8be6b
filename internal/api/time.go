package api

import (
	"bytes"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp sent as epoch seconds with a fraction, as Cognito does
// (for example 1548697449.497).
type Time struct{ time.Time }

// At wraps t.
func At(t time.Time) Time { return Time{t} }

// MarshalJSON writes epoch seconds with millisecond precision.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds (number, possibly fractional).
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return &Error{Code: ErrSerialization, Message: MsgTimestampNotNumber}
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}
