package authserver

import (
	"bytes"
	"go/format"
	"os"
	"testing"

	"github.com/a-h/templ/generator"
	parser "github.com/a-h/templ/parser/v2"
)

// TestPagesGenerated keeps pages_templ.go equal to what templ generates from
// pages.templ; UPDATE_TEMPL=1 rewrites it.
func TestPagesGenerated(t *testing.T) {
	const source, generated = "pages.templ", "pages_templ.go"
	tf, err := parser.Parse(source)
	if err != nil {
		t.Fatalf("parse %s: %v", source, err)
	}
	var out bytes.Buffer
	if _, err := generator.Generate(tf, &out, generator.WithFileName(source)); err != nil {
		t.Fatalf("generate %s: %v", source, err)
	}
	want, err := format.Source(out.Bytes())
	if err != nil {
		t.Fatalf("format the code generated from %s: %v", source, err)
	}
	got, _ := os.ReadFile(generated)
	if bytes.Equal(got, want) {
		return
	}
	if os.Getenv("UPDATE_TEMPL") != "" {
		if err := os.WriteFile(generated, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s is out of date with %s: run UPDATE_TEMPL=1 go test ./authserver -run TestPagesGenerated", generated, source)
}
