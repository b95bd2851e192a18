package isolate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/attach/attachtest"
)

// quick has limits small enough for hostile files to be cut soon.
var quick = New(Limits{CPU: 2 * time.Second})

func TestExtractPDFInChild(t *testing.T) {
	c, err := quick.Extract(t.Context(), "report.pdf", attachtest.PDF("Hello Clara"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != attach.Document || c.MediaType != "application/pdf" || c.Text != "Hello Clara" || c.Truncated {
		t.Errorf("Extract = %+v", c)
	}
}

func TestExtractHTMLInChild(t *testing.T) {
	c, err := quick.Extract(t.Context(), "page.html", []byte("<title>T &amp; U</title><p>Body &lt;text&gt;</p><script>x()</script>"))
	if err != nil || c.Kind != attach.Document || c.Title != "T & U" || c.Text != "Body <text>" {
		t.Errorf("Extract html = %+v, %v", c, err)
	}
}

func TestExtractWithoutParserStaysInProcess(t *testing.T) {
	c, err := quick.Extract(t.Context(), "notes.txt", []byte("\uFEFFplain text"))
	if err != nil || c.Text != "plain text" {
		t.Errorf("Extract txt = %+v, %v", c, err)
	}
	if _, err := quick.Extract(t.Context(), "a.pdf", []byte("not a pdf")); !errors.Is(err, attach.ErrMismatch) {
		t.Errorf("mismatch: %v", err)
	}
	if _, err := quick.Extract(t.Context(), "a.exe", []byte("MZ")); !errors.Is(err, attach.ErrUnsupported) {
		t.Errorf("unsupported: %v", err)
	}
}

func TestHTMLTextInChild(t *testing.T) {
	page := "<title>Moon</title><p>" + strings.Repeat("é", attach.MaxText) + "</p>"
	title, text, cut, err := quick.HTMLText(t.Context(), []byte(page))
	if err != nil || title != "Moon" || !cut || len(text) != attach.MaxText || !strings.HasPrefix(text, "éé") {
		t.Errorf("HTMLText = %q, %d bytes, cut %v, %v", title, len(text), cut, err)
	}
}

func TestUnreadablePDFKeepsTheParsersError(t *testing.T) {
	data := append([]byte("%PDF-1.7\n"), strings.Repeat("\xde\xad\xbe\xef", 200)...)
	_, err := quick.Extract(t.Context(), "bad.pdf", data)
	if !errors.Is(err, attach.ErrUnreadablePDF) || errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "unreadable PDF") {
		t.Errorf("err = %v", err)
	}
}

func TestHostilePDFsAreRefused(t *testing.T) {
	reasons := map[string]string{
		"self-referencing object stream": reasonDepth,
		"huge Size":                      reasonMemory,
		"huge xref Index":                reasonMemory,
		"looping Prev chain":             reasonTime,
		"looping Extends chain":          reasonTime,
	}
	for name, data := range attachtest.Hostile() {
		t.Run(name, func(t *testing.T) {
			_, err := quick.Extract(t.Context(), "report.pdf", data)
			var refused *RefusedError
			if !errors.As(err, &refused) || !errors.Is(err, ErrRefused) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			if want := "report.pdf could not be read: " + reasons[name]; err.Error() != want {
				t.Errorf("err = %q, want %q (child: %v)", err, want, refused.Err)
			}
		})
	}
	// This process, which read them all, is still here; and reads on.
	TestExtractPDFInChild(t)
}

func TestCancelledReadIsNotARefusal(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := quick.Extract(ctx, "report.pdf", attachtest.LoopingPrev())
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrRefused) {
		t.Errorf("err = %v", err)
	}
}

func TestManyReadsShareTheSlots(t *testing.T) {
	x := New(Limits{})
	var wg sync.WaitGroup
	errs := make([]error, 3*cap(x.slots)+1)
	for i := range errs {
		wg.Go(func() {
			c, err := x.Extract(t.Context(), "a.pdf", attachtest.PDF("Hello Clara"))
			if err == nil && c.Text != "Hello Clara" {
				err = errors.New("text " + c.Text)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestLargePDFWithinLimits(t *testing.T) {
	c, err := quick.Extract(t.Context(), "big.pdf", attachtest.PDF(strings.Repeat("word ", 2<<20)))
	if err != nil || !c.Truncated || len(c.Text) > attach.MaxText || len(c.Text) < attach.MaxText-8 || !strings.HasPrefix(c.Text, "word word") {
		t.Errorf("Extract = %d bytes, truncated %v, %v", len(c.Text), c.Truncated, err)
	}
}

func TestReadsWaitForAFreeSlot(t *testing.T) {
	x := New(Limits{})
	for range cap(x.slots) {
		x.slots <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := x.Extract(ctx, "a.pdf", attachtest.PDF("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("with no free slot: %v, want the caller's cancellation", err)
	}
	<-x.slots
	if c, err := x.Extract(t.Context(), "a.pdf", attachtest.PDF("Hello Clara")); err != nil || c.Text != "Hello Clara" {
		t.Fatalf("with a free slot: %+v, %v", c, err)
	}
}
