package core

import (
	"net/http"
	"time"
)

// Timestamp is a point in time that appears on the wire as an HTTP-date in
// GMT with whole seconds: "Wed, 26 Nov 2025 23:51:28 GMT".
type Timestamp time.Time

// MarshalText implements encoding.TextMarshaler.
func (t Timestamp) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format(http.TimeFormat)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Timestamp) UnmarshalText(b []byte) error {
	v, err := time.Parse(http.TimeFormat, string(b))
	if err != nil {
		return err
	}
	*t = Timestamp(v)
	return nil
}

// Time returns t as a time.Time.
func (t Timestamp) Time() time.Time { return time.Time(t) }
