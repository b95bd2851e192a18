package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach"
)

func TestExts(t *testing.T) {
	want := []string{".mp4", ".mov", ".avi", ".mkv", ".mpeg", ".webm", ".mp3", ".wav", ".m4a", ".ogg", ".flac"}
	if got := Exts(); !slices.Equal(got, want) {
		t.Errorf("Exts() = %v", got)
	}
	Exts()[0] = ".exe"
	if !IsMedia(".mp4") || IsMedia(".exe") || IsMedia("mp4") || IsMedia(".pdf") {
		t.Error("IsMedia")
	}
}

// magic are minimal contents that pass Check for each extension, and the
// demuxer they get.
var magic = []struct{ name, data, demuxer string }{
	{"a.mp4", "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "mov"},
	{"a.m4a", "\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00M4A mp42", "mov"},
	{"a.mov", "\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "mov"},
	{"a.mov", "\x00\x00\x00\x08wide\x00\x00\x10\x00mdat", "mov"},
	{"a.mov", "\x00\x00\x01\x00moov\x00\x00\x00\x6cmvhd", "mov"},
	{"a.mkv", "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x88matroska\x42\x87\x81\x04\x42\x85\x81\x02", "matroska"},
	{"a.mkv", "\x1a\x45\xdf\xa3\x8f\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02", "matroska"},
	{"a.webm", "\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f\x42\x86\x81\x01\x42\x82\x84webm", "matroska"},
	{"a.avi", "RIFF\x00\x10\x00\x00AVI LIST", "avi"},
	{"a.wav", "RIFF\x24\x00\x00\x00WAVEfmt ", "wav"},
	{"a.mpeg", "\x00\x00\x01\xba\x44\x00\x04\x00\x04\x01", "mpeg"},
	{"a.mpeg", "\x00\x00\x01\xb3\x14\x00\xf0\x13", "mpegvideo"},
	{"a.mp3", "ID3\x04\x00\x00\x00\x00\x00\x00", "mp3"},
	{"a.mp3", "\xff\xfb\x90\x64\x00", "mp3"},
	{"a.mp3", "\xff\xf3\x48\xc4\x00", "mp3"}, // MPEG-2 layer III
	{"a.ogg", "OggS\x00\x02", "ogg"},
	{"a.flac", "fLaC\x00\x00\x00\x22", "flac"},
	{"A.MP4", "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "mov"},
}

func TestCheckAcceptsMagicBytes(t *testing.T) {
	for _, m := range magic {
		demuxer, err := sniff(m.name, []byte(m.data))
		if err != nil || demuxer != m.demuxer {
			t.Errorf("sniff(%s, %q) = %q, %v; want %q", m.name, m.data, demuxer, err, m.demuxer)
		}
	}
}

// pngImage is a small PNG image.
func pngImage(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckRefusesMismatches(t *testing.T) {
	webmDoc := "\x1a\x45\xdf\xa3\x8f\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
	tests := []struct{ name, data, want string }{
		{"photo.mp4", string(pngImage(t)), "content is not an MP4 video"},
		{"clip.webm", magic[0].data, "content is not a WebM video"},
		{"clip.mp4", webmDoc, "content is not an MP4 video"},
		{"clip.webm", magic[5].data, "content is not a WebM video"}, // DocType matroska
		{"clip.mkv", "\x1a\x45\xdf\xa3\x8f\x42\x82\x84html\x42\x87\x81\x04\x42\x85\x81\x02", "content is not a Matroska video"},
		{"clip.mkv", "\x1a\x45\xdf\xa3\x8f\x42\x82\xffwebm", "content is not a Matroska video"}, // DocType past the end
		{"clip.avi", "RIFF\x24\x00\x00\x00WAVEfmt ", "content is not an AVI video"},
		{"tone.wav", "RIFF\x00\x10\x00\x00AVI LIST", "content is not WAV audio"},
		{"clip.mov", "\x00\x00\x00\x08junk", "content is not a QuickTime video"},
		{"clip.mpeg", "\x00\x00\x01\xb9", "content is not an MPEG video"},
		{"tone.mp3", "just some text", "content is not MP3 audio"},
		{"tone.mp3", "\xff\xf1\x50\x80\x02\x1f\xfc", "content is not MP3 audio"}, // ADTS AAC
		{"tone.m4a", "OggS\x00\x02", "content is not M4A audio"},
		{"tone.ogg", "fLaC", "content is not Ogg audio"},
		{"tone.flac", "ID3\x04\x00", "content is not FLAC audio"},
		{"list.mp4", "#EXTM3U\n#EXTINF:10,\nclip.mp4\n", "content is not an MP4 video"},
		{"empty.ogg", "", "file is empty"},
	}
	for _, tt := range tests {
		err := Check(tt.name, []byte(tt.data))
		if !errors.Is(err, attach.ErrMismatch) || errors.Is(err, attach.ErrUnsupported) || err.Error() != tt.want {
			t.Errorf("Check(%s, %.12q) = %v, want %q", tt.name, tt.data, err, tt.want)
		}
	}
}

func TestCheckRefusesOtherExtensions(t *testing.T) {
	for _, name := range []string{"setup.exe", "clip", "clip.m3u8", "report.pdf", "clip.mp4.txt"} {
		err := Check(name, []byte("\x00\x00\x00\x18ftypisom"))
		if !errors.Is(err, attach.ErrUnsupported) || !strings.Contains(err.Error(), "supported: .mp4, .mov, .avi, .mkv, .mpeg, .webm, .mp3, .wav, .m4a, .ogg, .flac") {
			t.Errorf("Check(%s) = %v", name, err)
		}
	}
	if err := Check("clip", nil); err == nil || !strings.Contains(err.Error(), "(no extension)") {
		t.Errorf("no extension: %v", err)
	}
}

func TestCheckAcceptsWhatFFmpegWrites(t *testing.T) {
	for _, name := range []string{"clip.mp4", "clip.mov", "clip.mkv", "clip.webm", "clip.avi", "clip.mpeg",
		"tone.mp3", "tone.wav", "tone.m4a", "tone.ogg", "tone.flac", "speech.wav"} {
		if err := Check(name, fixture(t, name)); err != nil {
			t.Errorf("Check(%s): %v", name, err)
		}
	}
	// A WebM is a Matroska file; an MP4 is not a WebM.
	if err := Check("clip.mkv", fixture(t, "clip.webm")); err != nil {
		t.Errorf("WebM as .mkv: %v", err)
	}
	if err := Check("clip.webm", fixture(t, "clip.mp4")); !errors.Is(err, attach.ErrMismatch) {
		t.Errorf("MP4 as .webm: %v", err)
	}
	if err := Check("clip.webm", fixture(t, "clip.mkv")); !errors.Is(err, attach.ErrMismatch) {
		t.Errorf("Matroska as .webm: %v", err)
	}
}
