package eval

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

func TestReadClaims(t *testing.T) {
	in := "\ufeff// a comment\r\n" +
		`{"claim": "  Water is wet.  ", "label": "TRUE"}` + "\r\n" +
		"\n   \n" +
		`   // an indented comment {"claim": "x", "label": "NOPE"}` + "\n" +
		`{"label": "MOSTLY_FALSE", "claim": "The Moon is cheese.", "source": "folklore", "id": 7}` + "\n" +
		`  {"claim":"Nobody knows.","label":"UNVERIFIABLE"}  ` // no final newline
	got, err := ReadClaims(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Claim{
		{Claim: "Water is wet.", Label: "TRUE"},
		{Claim: "The Moon is cheese.", Label: "MOSTLY_FALSE"},
		{Claim: "Nobody knows.", Label: "UNVERIFIABLE"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for _, empty := range []string{"", "\n\n// only comments\n"} {
		got, err := ReadClaims(strings.NewReader(empty))
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("%q: %v, %v; want an empty list", empty, got, err)
		}
	}
}

func TestReadClaimsErrors(t *testing.T) {
	verdicts := strings.Join(core.Verdicts, ", ")
	ok := `{"claim": "fine", "label": "TRUE"}` + "\n"
	for _, tc := range []struct{ in, want string }{
		{ok + `{"claim": "x", "label": "true"}`, `line 2: label "true" is not one of ` + verdicts},
		{ok + ok + `{"claim": "x"}`, "line 3: label is missing: give one of " + verdicts},
		{"// c\n\n" + `{"claim": "   ", "label": "FALSE"}`, "line 3: claim is missing or blank"},
		{`{"label": "FALSE"}`, "line 1: claim is missing or blank"},
		{`null`, "line 1: claim is missing or blank"},
		{ok + `{"claim": "x", "label": "TRUE"} {"claim": "y", "label": "TRUE"}`, "line 2: text after the JSON object: put one claim on each line"},
		{ok + `{"claim": "x", "label": "TRUE"`, `line 2: not a JSON object {"claim": "...", "label": "..."}: unexpected EOF`},
		{`["x", "TRUE"]`, `line 1: not a JSON object {"claim": "...", "label": "..."}: json: cannot unmarshal array into Go value of type eval.Claim`},
		{`{"claim": 3, "label": "TRUE"}`, `line 1: not a JSON object {"claim": "...", "label": "..."}: json: cannot unmarshal number into Go struct field Claim.claim of type string`},
	} {
		got, err := ReadClaims(strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: %v, error %v\nwant error %s", tc.in, got, err, tc.want)
		}
	}
}

// A line may hold MaxLineBytes bytes, not one more, however it ends.
func TestReadClaimsLineLimit(t *testing.T) {
	line := func(size int) string {
		const frame = `{"claim": "", "label": "TRUE"}`
		return `{"claim": "` + strings.Repeat("x", size-len(frame)) + `", "label": "TRUE"}`
	}
	if n := len(line(MaxLineBytes)); n != MaxLineBytes {
		t.Fatalf("line of %d bytes", n)
	}
	// A line ending in "\n" or "\r\n" is followed by another claim; the
	// last line of a file may have no end.
	file := func(long, end string) string {
		if end == "" {
			return "// one\n" + long
		}
		return "// one\n" + long + end + `{"claim": "y", "label": "FALSE"}`
	}
	for _, end := range []string{"\n", "\r\n", ""} {
		got, err := ReadClaims(strings.NewReader(file(line(MaxLineBytes), end)))
		if err != nil || len(got) == 0 || len(got[0].Claim) != MaxLineBytes-30 {
			t.Errorf("line of the limit, ending %q: %d claims, %v", end, len(got), err)
		}
		for _, size := range []int{MaxLineBytes + 1, MaxLineBytes + 2, 3 * MaxLineBytes} {
			_, err := ReadClaims(strings.NewReader(file(line(size), end)))
			if want := "line 2: longer than 65536 bytes"; err == nil || err.Error() != want {
				t.Errorf("line of %d bytes, ending %q: %v, want %s", size, end, err, want)
			}
		}
	}
}

// The shipped sample parses, has every label, and no claim twice.
func TestSampleClaims(t *testing.T) {
	f, err := os.Open("claims.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	claims, err := ReadClaims(f)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, c := range claims {
		counts[c.Label]++
		if seen[strings.ToLower(c.Claim)] {
			t.Errorf("claim twice: %q", c.Claim)
		}
		seen[strings.ToLower(c.Claim)] = true
	}
	want := map[string]int{"TRUE": 12, "MOSTLY_TRUE": 4, "MIXED": 4, "MOSTLY_FALSE": 4, "FALSE": 10, "UNVERIFIABLE": 2}
	if len(claims) != 36 || !reflect.DeepEqual(counts, want) {
		t.Errorf("%d claims, by label %v; want 36, %v", len(claims), counts, want)
	}
	for _, v := range core.Verdicts {
		if counts[v] == 0 {
			t.Errorf("no claim is labelled %s", v)
		}
	}
}
