package agent

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

// tinyPNG returns a 2×2 PNG.
func tinyPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageParts returns the images a request's first user message carries, as
// media type and base64 data.
func imageParts(w wire, body map[string]any) [][2]string {
	var out [][2]string
	for _, p := range messages(body)[len(messages(body))-1]["content"].([]any) {
		pm := p.(map[string]any)
		switch pm["type"] {
		case "image": // anthropic
			src := pm["source"].(map[string]any)
			if src["type"] == "base64" {
				out = append(out, [2]string{src["media_type"].(string), src["data"].(string)})
			}
		case "image_url": // openai
			u := pm["image_url"].(map[string]any)["url"].(string)
			mt, data, _ := strings.Cut(strings.TrimPrefix(u, "data:"), ";base64,")
			out = append(out, [2]string{mt, data})
		}
	}
	return out
}

func TestAnalyzeSendsAttachments(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		pages := pageServer(t)
		pic := tinyPNG(t)
		fake := newFake(t, w.path, w.text(answerJSON("attachment:photo.png", "attachment:notes.txt", pages.URL+"/claim", "attachment:link")))
		f := newTestFetcher()
		a := newTestAgent(t, w, fake, f)
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "Is this true?", Attachments: []core.AttachmentData{
			{Name: "photo.png", ContentType: "image/png", Data: pic},
			{Name: "notes.txt", ContentType: "text/plain", Data: []byte("Notes: the tower grew in 2022.")},
			{Name: "link", URL: pages.URL + "/claim"},
		}})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(res.Sources) != 4 || res.Sources[0].URL != "attachment:photo.png" || res.Sources[2].URL != pages.URL+"/claim" {
			t.Fatalf("sources = %+v", res.Sources)
		}
		body := fake.requests()[0]
		imgs := imageParts(w, body)
		if len(imgs) != 1 || imgs[0][0] != "image/png" || imgs[0][1] != base64.StdEncoding.EncodeToString(pic) {
			t.Fatalf("images sent = %v, want the PNG as base64", imgs)
		}
		text := lastUserText(body)
		for _, want := range []string{`Attachment "photo.png"`, "Notes: the tower grew in 2022.", `Attachment "notes.txt"`, "330 metres", "attachment:link"} {
			if !strings.Contains(text, want) {
				t.Errorf("first message lacks %q:\n%s", want, text)
			}
		}
		if got := f.fetched(); len(got) != 1 {
			t.Errorf("fetched %v, want the linked attachment", got)
		}
	})
}

func TestAnalyzeUnknownAttachmentIsRepaired(t *testing.T) {
	w := wires[0]
	fake := newFake(t, w.path, w.text(answerJSON("attachment:other.pdf")), w.text(answerJSON("attachment:notes.txt")))
	a := newTestAgent(t, w, fake, newTestFetcher())
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{
		{Name: "notes.txt", Data: []byte("some notes")},
	}})
	if err != nil || res.Sources[0].URL != "attachment:notes.txt" {
		t.Fatalf("result %+v, %v", res, err)
	}
	if repair := lastUserText(fake.requests()[1]); !strings.Contains(repair, `"attachment:other.pdf" names no attachment`) {
		t.Fatalf("repair = %q", repair)
	}
}

func TestAnalyzeWithoutVisionDescribesImage(t *testing.T) {
	w := wires[1]
	fake := newFake(t, w.path, w.text(answerJSON()))
	a := newTestAgent(t, w, fake, newTestFetcher(), func(c *Config) { off := false; c.Vision = &off })
	if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q", Attachments: []core.AttachmentData{
		{Name: "photo.png", Data: tinyPNG(t)},
	}}); err != nil {
		t.Fatal(err)
	}
	body := fake.requests()[0]
	if imgs := imageParts(w, body); len(imgs) != 0 {
		t.Fatalf("images sent to a model without vision: %v", imgs)
	}
	if !strings.Contains(lastUserText(body), "cannot see") {
		t.Fatalf("first message = %q", lastUserText(body))
	}
}

func TestSupportedFollowsVision(t *testing.T) {
	off := false
	for _, tc := range []struct {
		vision    *bool
		wantImage bool
	}{{nil, true}, {&off, false}} {
		a, err := New(Config{Provider: ProviderAnthropic, Model: "m", APIKey: "k", Vision: tc.vision}, newTestFetcher())
		if err != nil {
			t.Fatal(err)
		}
		_, hasImage := a.Supported()["image"]
		if hasImage != tc.wantImage || len(a.Supported()["document"]) == 0 {
			t.Errorf("vision %v: Supported() = %v", tc.vision, a.Supported())
		}
		err = a.CheckAttachment(t.Context(), "photo.png", tinyPNG(t))
		if (err == nil) != tc.wantImage {
			t.Errorf("vision %v: CheckAttachment(photo.png) = %v", tc.vision, err)
		}
		if err := a.CheckAttachment(t.Context(), "photo.png", []byte("not a png")); err == nil {
			t.Errorf("vision %v: a fake PNG passed the check", tc.vision)
		}
	}
}
