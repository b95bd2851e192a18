// Package eval measures Clara's verdicts. It runs labelled claims through
// an analyzer (the analysis agent, with its configured model and search)
// and reports how often the verdicts match the labels, how well their
// confidence is calibrated, how often they rest on fetched pages, and what
// they cost in tokens and time. `clara eval` is its command.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clara-backend/clara/core"
)

// MaxLineBytes bounds one line of a claims file.
const MaxLineBytes = 64 << 10

// Claim is a claim with the verdict it deserves.
type Claim struct {
	Claim string `json:"claim"`
	Label string `json:"label"` // one of core.Verdicts
}

// ReadClaims reads claims in JSON Lines: one object
// {"claim": "...", "label": "TRUE"} a line, its label one of core.Verdicts
// and its claim not blank. Blank lines and lines starting with // are
// skipped; other fields of an object are ignored. A line may hold at most
// MaxLineBytes bytes. Errors name the line, counted from 1.
func ReadClaims(r io.Reader) ([]Claim, error) {
	sc := bufio.NewScanner(r)
	// Room for the longest line allowed and its "\r\n": a longer line
	// fails the scan or the check below.
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+2)
	claims := []Claim{}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff")) // a byte order mark some editors write
		}
		if len(line) > MaxLineBytes {
			return nil, tooLong(n)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		c, err := parseClaim(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		claims = append(claims, c)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, tooLong(n + 1)
		}
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return claims, nil
}

func tooLong(line int) error {
	return fmt.Errorf("line %d: longer than %d bytes", line, MaxLineBytes)
}

// parseClaim decodes and checks one line.
func parseClaim(line []byte) (Claim, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	var c Claim
	if err := dec.Decode(&c); err != nil {
		return Claim{}, fmt.Errorf(`not a JSON object {"claim": "...", "label": "..."}: %v`, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Claim{}, errors.New("text after the JSON object: put one claim on each line")
	}
	c.Claim = strings.TrimSpace(c.Claim)
	if c.Claim == "" {
		return Claim{}, errors.New("claim is missing or blank")
	}
	switch {
	case c.Label == "":
		return Claim{}, fmt.Errorf("label is missing: give one of %s", strings.Join(core.Verdicts, ", "))
	case !slices.Contains(core.Verdicts, c.Label):
		return Claim{}, fmt.Errorf("label %q is not one of %s", c.Label, strings.Join(core.Verdicts, ", "))
	}
	return c, nil
}
