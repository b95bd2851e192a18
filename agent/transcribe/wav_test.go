package transcribe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/transcribe/transcribetest"
)

func TestPCMDataAcceptsFFmpegOutput(t *testing.T) {
	samples := transcribetest.Tone(time.Second, 440, 0.5, SampleRate)
	wav := transcribetest.WAV(samples, SampleRate)

	pcm, err := pcmData(wav)
	if err != nil || len(pcm) != 2*len(samples) {
		t.Fatalf("pcmData = %d bytes, %v; want %d bytes", len(pcm), err, 2*len(samples))
	}

	// ffmpeg writing to a pipe cannot fix its sizes: 0xFFFFFFFF, the data
	// running to the end of the file; a LIST chunk comes before it.
	streamed := withList(wav)
	binary.LittleEndian.PutUint32(streamed[4:8], streamedSize)
	binary.LittleEndian.PutUint32(streamed[len(streamed)-len(pcm)-4:], streamedSize)
	got, err := pcmData(streamed)
	if err != nil || !bytes.Equal(got, pcm) {
		t.Fatalf("streamed: pcmData = %d bytes, %v; want the same samples", len(got), err)
	}

	// An odd trailing byte is dropped.
	got, err = pcmData(append(streamed, 7))
	if err != nil || len(got) != len(pcm) {
		t.Fatalf("odd byte: pcmData = %d bytes, %v", len(got), err)
	}
}

// withList returns wav (of a 44-byte header) with a LIST chunk of odd size,
// padded, between fmt and data, as ffmpeg writes.
func withList(wav []byte) []byte {
	list := append([]byte("LIST"), 5, 0, 0, 0, 'I', 'N', 'F', 'O', 'x', 0)
	out := append(append(append([]byte(nil), wav[:36]...), list...), wav[36:]...)
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out
}

func TestPCMDataRefuses(t *testing.T) {
	good := transcribetest.WAV(transcribetest.Tone(time.Second, 440, 0.5, SampleRate), SampleRate)
	patch := func(off int, v uint32, size int) []byte {
		b := bytes.Clone(good)
		if size == 2 {
			binary.LittleEndian.PutUint16(b[off:], uint16(v))
		} else {
			binary.LittleEndian.PutUint32(b[off:], v)
		}
		return b
	}
	cases := []struct {
		name, want string
		wav        []byte
	}{
		{"empty", "no RIFF/WAVE", nil},
		{"mp3", "no RIFF/WAVE", []byte("ID3\x04\x00\x00\x00\x00\x00\x00 not a wav file")},
		{"RIFX", "no RIFF/WAVE", append([]byte("RIFX"), good[4:]...)},
		{"44.1 kHz stereo", "44100 Hz, 2 channel(s)", stereo44k()},
		{"22.05 kHz", "22050 Hz, 1 channel(s), 16 bits", transcribetest.WAV(make([]int16, 100), 22050)},
		{"float", "not PCM (format tag 0x3)", patch(20, 3, 2)},
		{"8-bit", "8 bits", patch(34, 8, 2)},
		{"no samples", "no audio samples", transcribetest.WAV(nil, SampleRate)},
		{"truncated data", "data chunk is truncated", good[:len(good)-10]},
		{"header only", "no data chunk", good[:36]},
		{"no fmt", "no fmt chunk", append([]byte("RIFF\x00\x00\x00\x00WAVE"), []byte("junk\x02\x00\x00\x00ab")...)},
		{"data before fmt", "before the fmt chunk", append([]byte("RIFF\x00\x00\x00\x00WAVE"), []byte("data\x02\x00\x00\x00ab")...)},
		{"short fmt", "fmt chunk is too short", patch(16, 8, 4)},
		{"huge fmt", "fmt chunk is truncated", patch(16, 1<<31, 4)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pcmData(c.wav)
			if !errors.Is(err, ErrBadAudio) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("pcmData = %v; want ErrBadAudio saying %q", err, c.want)
			}
		})
	}
}

// stereo44k is a WAV file of 16-bit PCM, 44.1 kHz, stereo.
func stereo44k() []byte {
	b := transcribetest.WAV(make([]int16, 200), 44100)
	binary.LittleEndian.PutUint16(b[22:], 2)       // channels
	binary.LittleEndian.PutUint32(b[28:], 44100*4) // byte rate
	binary.LittleEndian.PutUint16(b[32:], 4)       // block align
	return b
}

func TestWAVHeaderRoundTrip(t *testing.T) {
	pcm := make([]byte, 3200)
	for i := range pcm {
		pcm[i] = byte(i)
	}
	audio, samples, err := transcribetest.DecodeWAV(append(wavHeader(len(pcm)), pcm...))
	if err != nil {
		t.Fatal(err)
	}
	if audio.SampleRate != SampleRate || audio.Channels != 1 || audio.Frames != 1600 || audio.Duration != 100*time.Millisecond {
		t.Fatalf("decoded %+v", audio)
	}
	if samples[1] != int16(uint16(2)|uint16(3)<<8) {
		t.Fatalf("sample 1 = %d", samples[1])
	}
}
