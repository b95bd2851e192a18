package agent

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach/attachtest"
	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
)

// hostilePDFServer serves, at /report.pdf, a PDF whose reading overflows
// the reader's stack.
func hostilePDFServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(attachtest.SelfContainedObjectStream())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAnalyzeFailsOnARefusedAttachment(t *testing.T) {
	pages := hostilePDFServer(t)
	for name, att := range map[string]core.AttachmentData{
		"upload": {Name: "report.pdf", ContentType: "application/pdf", Data: attachtest.SelfContainedObjectStream()},
		"link":   {Name: "report.pdf", URL: pages.URL + "/report.pdf"},
	} {
		t.Run(name, func(t *testing.T) {
			w := wires[1]
			fake := newFake(t, w.path) // no call expected
			a := newTestAgent(t, w, fake, newTestFetcher())
			_, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "Is this true?",
				Attachments: []core.AttachmentData{att}})
			var failed *core.FailedAnalysis
			if !errors.As(err, &failed) || core.IsTransient(err) || !errors.Is(err, isolate.ErrRefused) {
				t.Fatalf("err = %v, want a permanent failure", err)
			}
			if !strings.HasPrefix(failed.Reason, "report.pdf could not be read: its structure is nested too deeply.") {
				t.Errorf("reason = %q", failed.Reason)
			}
			if n := len(fake.requests()); n != 0 {
				t.Errorf("%d model calls, want none", n)
			}
		})
	}
}

func TestAnalyzeReadsOnPastARefusedPage(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		page := hostilePDFServer(t).URL + "/report.pdf"
		fake := newFake(t, w.path, w.tools([2]string{"call_1", page}), w.text(answerJSON()))
		a := newTestAgent(t, w, fake, newTestFetcher())
		if _, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "See " + page}); err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		got := toolResults(w, fake.requests()[1])["call_1"]
		if !strings.Contains(got, "page.pdf could not be read: its structure is nested too deeply") {
			t.Errorf("tool result = %q", got)
		}
	})
}
