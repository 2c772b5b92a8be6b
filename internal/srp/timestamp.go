package srp

import "time"

// TimestampLayout is the TIMESTAMP format of the password claim, e.g.
// "Sun Nov 2 03:04:05 UTC 2026": English names, day of month not padded.
// Parsing it also accepts a zero-padded day.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// FormatTimestamp renders t in UTC as clients write TIMESTAMP.
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format(TimestampLayout)
}

// ParseTimestamp reads a TIMESTAMP, so the caller can bound its age. The
// signature covers the string as received, never a re-formatting of the
// result. Being time.Parse, it checks the weekday for form only and takes a
// run of spaces for one.
func ParseTimestamp(s string) (time.Time, error) {
	return time.Parse(TimestampLayout, s)
}
