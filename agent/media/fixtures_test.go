package media

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ffmpegArgs make the clips the tests read, by name, from lavfi sources.
// The videos last 12 s, in three scenes cut at 4 s and 8 s, with a keyframe
// every 2 s; the audio files last 7 s.
var ffmpegArgs = map[string]string{
	"clip.mp4":  scenes + " -c:v libx264 -preset ultrafast -g 50 -c:a aac",
	"clip.mov":  scenes1280 + " -c:v libx264 -preset ultrafast -g 50 -c:a aac -f mov",
	"clip.mkv":  scenes + " -c:v libx264 -preset ultrafast -g 50 -c:a libmp3lame",
	"clip.webm": scenes + " -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 50 -c:a libopus",
	"vp8.webm":  scenes + " -c:v libvpx -deadline realtime -cpu-used 8 -g 50 -c:a libvorbis",
	"clip.avi":  scenes + " -c:v mpeg4 -g 50 -c:a libmp3lame",
	"clip.mpeg": scenes + " -c:v mpeg2video -g 50 -c:a mp2 -f mpeg",
	"mute.mp4":  "-f lavfi -i testsrc2=s=320x240:r=25:d=5 -c:v libx264 -preset ultrafast -g 50",
	"tone.mp3":  tone + " -c:a libmp3lame",
	"tone.wav":  tone + " -ac 2 -c:a pcm_s16le",
	"tone.m4a":  tone + " -c:a aac -f ipod",
	"tone.ogg":  tone + " -c:a libvorbis",
	"tone.flac": tone + " -c:a flac",
	"cover.mp3": tone + " -f lavfi -i color=c=red:s=64x64:d=0.04 -map 0 -map 1 -c:a libmp3lame -c:v mjpeg -disposition:v attached_pic",
	// 25 minutes of silence, which FLAC keeps in a few hundred kB.
	"long.flac": "-f lavfi -i anullsrc=r=8000:cl=mono -t 1500 -c:a flac",
	// One 64×64 VP8 keyframe, which bomb() says is 15000×15000.
	"small.webm": "-f lavfi -i color=c=black:s=64x64:d=0.04 -c:v libvpx -f webm",
}

// pipedArgs make clips written to a pipe, as a live recorder writes them:
// no duration in their header.
var pipedArgs = map[string]string{
	"live.webm": scenes + " -c:v libvpx -deadline realtime -cpu-used 8 -g 50 -c:a libopus -f webm",
	"live.mkv":  "-f lavfi -i anullsrc=r=8000:cl=mono -t 1500 -c:a flac -f matroska",
}

// Sources of the fixtures.
const (
	scenes     = "-f lavfi -i testsrc2=s=320x240:r=25:d=4 -f lavfi -i smptebars=s=320x240:r=25:d=4 -f lavfi -i color=c=blue:s=320x240:r=25:d=4 -f lavfi -i sine=f=440:d=12 -filter_complex [0:v][1:v][2:v]concat=n=3:v=1:a=0[v] -map [v] -map 3:a"
	scenes1280 = "-f lavfi -i testsrc2=s=1280x720:r=25:d=4 -f lavfi -i smptebars=s=1280x720:r=25:d=4 -f lavfi -i color=c=blue:s=1280x720:r=25:d=4 -f lavfi -i sine=f=440:d=12 -filter_complex [0:v][1:v][2:v]concat=n=3:v=1:a=0[v] -map [v] -map 3:a"
	tone       = "-f lavfi -i sine=f=440:d=7"
)

// fixtureDir holds the fixtures, made once per run of the tests.
var (
	fixtureMu   sync.Mutex
	fixtureDir  string
	fixtureData = map[string][]byte{}
)

// TestMain removes the fixtures after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// needFFmpeg fails the test unless ffmpeg, ffprobe and espeak-ng are
// installed.
func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe", "espeak-ng"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the media tests need %s on PATH (Debian: apt-get install ffmpeg espeak-ng): %v", tool, err)
		}
	}
}

// fixture returns the content of the clip name, made on first use.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	needFFmpeg(t)
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if data, ok := fixtureData[name]; ok {
		return data
	}
	if fixtureDir == "" {
		dir, err := os.MkdirTemp("", "clara-media-fixtures-*")
		if err != nil {
			t.Fatal(err)
		}
		fixtureDir = dir
	}
	path := filepath.Join(fixtureDir, name)
	var cmd *exec.Cmd
	switch {
	case name == "speech.wav":
		cmd = exec.Command("espeak-ng", "-w", path, "The Moon landing took place in July 1969. Neil Armstrong was the first to walk on it.")
	case ffmpegArgs[name] != "":
		cmd = exec.Command("ffmpeg", append(strings.Fields("-nostdin -hide_banner -loglevel error -y "+ffmpegArgs[name]), path)...)
	case pipedArgs[name] != "":
		cmd = exec.Command("ffmpeg", append(strings.Fields("-nostdin -hide_banner -loglevel error "+pipedArgs[name]), "pipe:1")...)
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		cmd.Stdout = out
	default:
		t.Fatalf("no fixture %s", name)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("make %s: %v: %s", name, err, stderr.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fixtureData[name] = data
	return data
}

// bomb returns a WebM of one tiny VP8 keyframe whose header says it is
// 15000×15000 pixels: a third of a gigabyte for its picture, from a few
// hundred bytes.
func bomb(t *testing.T) []byte {
	data := bytes.Clone(fixture(t, "small.webm"))
	i := bytes.Index(data, []byte{0x9d, 0x01, 0x2a}) // VP8 keyframe start code
	if i < 0 {
		t.Fatal("no VP8 keyframe in small.webm")
	}
	copy(data[i+3:], []byte{0x98, 0x3a, 0x98, 0x3a}) // width and height, little-endian
	return data
}
