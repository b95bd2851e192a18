package transcribe

import (
	"encoding/binary"
	"fmt"
	"time"
)

// The only audio format taken: what the media package produces.
const (
	// SampleRate is the sample rate of the input, in Hz.
	SampleRate = 16000
	// bytesPerSample is the size of one sample (s16le, one channel).
	bytesPerSample = 2
	// headerSize is the size of the WAV header written for each chunk.
	headerSize = 44
	// streamedSize is the size ffmpeg writes in the RIFF and data headers
	// when its output is a pipe, where it cannot go back to fix them: the
	// data then runs to the end of the file.
	streamedSize = 0xFFFFFFFF
)

// WAV format tags.
const (
	formatPCM        = 1
	formatExtensible = 0xFFFE
)

// pcmData returns the PCM bytes of wav, a WAV file that must be PCM s16le,
// 16 kHz, mono; its length is even and not 0. Any other input is refused
// with an error that matches ErrBadAudio and says why.
func pcmData(wav []byte) ([]byte, error) {
	if len(wav) < 12 || string(wav[0:4]) != "RIFF" || string(wav[8:12]) != "WAVE" {
		return nil, badAudio("not a WAV file (no RIFF/WAVE header)")
	}
	fmtSeen := false
	for off := 12; off+8 <= len(wav); {
		id, size := string(wav[off:off+4]), int64(binary.LittleEndian.Uint32(wav[off+4:off+8]))
		body := wav[off+8:]
		switch id {
		case "fmt ":
			if size > int64(len(body)) {
				return nil, badAudio("the fmt chunk is truncated")
			}
			if err := checkFormat(body[:size]); err != nil {
				return nil, err
			}
			fmtSeen = true
		case "data":
			if !fmtSeen {
				return nil, badAudio("the data chunk comes before the fmt chunk")
			}
			switch {
			case size == streamedSize:
				size = int64(len(body))
			case size > int64(len(body)):
				return nil, badAudio(fmt.Sprintf("the data chunk is truncated (%d of %d bytes)", len(body), size))
			}
			data := body[:size&^1]
			if len(data) == 0 {
				return nil, badAudio("the file has no audio samples")
			}
			return data, nil
		}
		next := int64(off) + 8 + size + size&1 // chunks are padded to an even size
		if next > int64(len(wav)) {
			break
		}
		off = int(next)
	}
	if !fmtSeen {
		return nil, badAudio("no fmt chunk")
	}
	return nil, badAudio("no data chunk")
}

// checkFormat refuses a fmt chunk other than PCM s16le, 16 kHz, mono.
func checkFormat(f []byte) error {
	if len(f) < 16 {
		return badAudio("the fmt chunk is too short")
	}
	tag := binary.LittleEndian.Uint16(f[0:2])
	channels := binary.LittleEndian.Uint16(f[2:4])
	rate := binary.LittleEndian.Uint32(f[4:8])
	align := binary.LittleEndian.Uint16(f[12:14])
	bits := binary.LittleEndian.Uint16(f[14:16])
	if tag == formatExtensible && len(f) >= 26 {
		tag = binary.LittleEndian.Uint16(f[24:26]) // the sub-format GUID starts with the tag
	}
	if tag != formatPCM {
		return badAudio(fmt.Sprintf("the audio is not PCM (format tag %#x); want PCM s16le, 16 kHz, mono", tag))
	}
	if channels != 1 || rate != SampleRate || bits != 16 || align != bytesPerSample {
		return badAudio(fmt.Sprintf("the audio is %d Hz, %d channel(s), %d bits; want PCM s16le, 16 kHz, mono", rate, channels, bits))
	}
	return nil
}

// wavHeader returns the 44-byte header of a WAV file of PCM s16le, 16 kHz,
// mono holding n bytes of samples.
func wavHeader(n int) []byte {
	h := make([]byte, 0, headerSize)
	le := binary.LittleEndian
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, uint32(36+n))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, 16)
	h = le.AppendUint16(h, formatPCM)
	h = le.AppendUint16(h, 1)
	h = le.AppendUint32(h, SampleRate)
	h = le.AppendUint32(h, SampleRate*bytesPerSample)
	h = le.AppendUint16(h, bytesPerSample)
	h = le.AppendUint16(h, 16)
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(n))
	return h
}

// samplesDuration is the duration of n samples.
func samplesDuration(n int) time.Duration {
	return time.Duration(n) * time.Second / SampleRate
}
