package transcribe

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseResponse(t *testing.T) {
	const d = 10 * time.Second
	cases := []struct {
		name, contentType, body string
		want                    chunkResult
	}{
		{"verbose_json", "application/json", `{"language":"english","text":"a b","segments":[
			{"start":0,"end":1.5,"text":" a"},{"start":1.5,"end":3.25,"text":" b"}]}`,
			chunkResult{"english", []Segment{{0, 1500 * time.Millisecond, "a"}, {1500 * time.Millisecond, 3250 * time.Millisecond, "b"}}}},
		{"json", "application/json; charset=utf-8", `{"text":"Hello there.","usage":{"type":"tokens"}}`,
			chunkResult{"", []Segment{{0, d, "Hello there."}}}},
		{"gpt-transcribe languages", "application/json", `{"text":"Bonjour.","languages":[{"code":"fr"}]}`,
			chunkResult{"fr", []Segment{{0, d, "Bonjour."}}}},
		{"text", "text/plain; charset=utf-8", "Hello there.\n", chunkResult{"", []Segment{{0, d, "Hello there."}}}},
		{"no content type", "", "Hello.", chunkResult{"", []Segment{{0, d, "Hello."}}}},
		{"silence", "application/json", `{"text":""}`, chunkResult{}},
		{"verbose silence", "application/json", `{"text":"","segments":[]}`, chunkResult{}},
		{"hostile text and times", "application/json", `{"language":"en\u202e\n","segments":[
			{"start":12,"end":99,"text":"late"},{"start":1e308,"end":1e308,"text":"later"},
			{"start":2,"end":3,"text":"\u0000\u001b[2Jclear\r\nscreen"},{"start":4,"end":5,"text":"  "}]}`,
			chunkResult{"en", []Segment{{2 * time.Second, 3 * time.Second, "[2Jclear screen"}, {d, d, "late"}, {d, d, "later"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseResponse([]byte(c.body), c.contentType, d)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("parseResponse = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestParseResponseRefuses(t *testing.T) {
	cases := []struct{ name, contentType, body, want string }{
		{"not JSON", "application/json", `{"text":`, "not a transcription object"},
		{"array", "application/json", `[{"text":"a"}]`, "not a transcription object"},
		{"wrong types", "application/json", `{"text":1}`, "not a transcription object"},
		{"empty object", "application/json", `{}`, "neither text nor segments"},
		{"null", "application/json", `null`, "neither text nor segments"},
		{"no times", "application/json", `{"segments":[{"text":"a"}]}`, "segment 0 has no start or end"},
		{"string times", "application/json", `{"segments":[{"start":"0","end":"1","text":"a"}]}`, "not a transcription object"},
		{"overflow", "application/json", `{"segments":[{"start":0,"end":1e309,"text":"a"}]}`, "not a transcription object"},
		{"negative", "application/json", `{"segments":[{"start":-1,"end":1,"text":"a"}]}`, "segment 0 runs from -1 to 1 s"},
		{"backwards", "application/json", `{"segments":[{"start":0,"end":1,"text":"a"},{"start":5,"end":4,"text":"b"}]}`, "segment 1 runs from 5 to 4 s"},
		{"HTML", "text/html", "<html>proxy error</html>", `unexpected content type "text/html"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseResponse([]byte(c.body), c.contentType, time.Second)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "invalid response: ") {
				t.Fatalf("parseResponse = %v; want an invalid response saying %q", err, c.want)
			}
		})
	}
}
