package transcribetest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Audio is what the fake measured of a WAV file.
type Audio struct {
	SampleRate    int
	Channels      int
	BitsPerSample int
	Frames        int           // samples per channel
	Duration      time.Duration // Frames at SampleRate
	// RMS is the root mean square of the samples, from 0 (silence) to 1
	// (full scale); a spoken sentence is well above 0.01.
	RMS float64
	// Peak is the largest absolute sample, from 0 to 1.
	Peak float64
	// Active is the share of 20 ms windows whose RMS is over 0.01: about 0
	// for silence, most of the file for speech or a tone.
	Active float64
}

// DecodeWAV decodes a WAV file of 16-bit PCM, strictly: the RIFF size must
// be the file's, and the data chunk must hold whole frames and end within
// the file.
func DecodeWAV(b []byte) (Audio, []int16, error) {
	le := binary.LittleEndian
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Audio{}, nil, errors.New("not a RIFF/WAVE file")
	}
	if size := int64(le.Uint32(b[4:8])); size != int64(len(b))-8 {
		return Audio{}, nil, fmt.Errorf("RIFF size %d, but the file has %d bytes after it", size, len(b)-8)
	}
	var a Audio
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(le.Uint32(b[off+4:off+8]))
		body := b[off+8:]
		if size > len(body) {
			return Audio{}, nil, fmt.Errorf("chunk %q of %d bytes runs past the end of the file", id, size)
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return Audio{}, nil, errors.New("fmt chunk too short")
			}
			if tag := le.Uint16(body[0:2]); tag != 1 {
				return Audio{}, nil, fmt.Errorf("format tag %#x, not PCM", tag)
			}
			a.Channels, a.SampleRate = int(le.Uint16(body[2:4])), int(le.Uint32(body[4:8]))
			a.BitsPerSample = int(le.Uint16(body[14:16]))
			align, rate := int(le.Uint16(body[12:14])), int(le.Uint32(body[8:12]))
			if a.BitsPerSample != 16 || a.Channels < 1 || a.SampleRate < 1 || align != 2*a.Channels || rate != a.SampleRate*align {
				return Audio{}, nil, fmt.Errorf("unsupported or inconsistent fmt: %d Hz, %d channels, %d bits, align %d, byte rate %d",
					a.SampleRate, a.Channels, a.BitsPerSample, align, rate)
			}
		case "data":
			if a.Channels == 0 {
				return Audio{}, nil, errors.New("data chunk before the fmt chunk")
			}
			if size%(2*a.Channels) != 0 {
				return Audio{}, nil, fmt.Errorf("data chunk of %d bytes is not whole frames", size)
			}
			samples := make([]int16, size/2)
			for i := range samples {
				samples[i] = int16(le.Uint16(body[2*i:]))
			}
			a.measure(samples)
			return a, samples, nil
		}
		off += 8 + size + size%2
	}
	return Audio{}, nil, errors.New("no data chunk")
}

// measure sets a's duration and energy from its samples.
func (a *Audio) measure(samples []int16) {
	a.Frames = len(samples) / a.Channels
	a.Duration = time.Duration(a.Frames) * time.Second / time.Duration(a.SampleRate)
	window := max(a.SampleRate/50*a.Channels, 1)
	var total float64
	windows, active := 0, 0
	for i := 0; i < len(samples); i += window {
		var sum float64
		for _, s := range samples[i:min(i+window, len(samples))] {
			v := float64(s) / 32768
			sum += v * v
			a.Peak = max(a.Peak, math.Abs(v))
		}
		total += sum
		windows++
		if math.Sqrt(sum/float64(min(window, len(samples)-i))) > 0.01 {
			active++
		}
	}
	if len(samples) > 0 {
		a.RMS = math.Sqrt(total / float64(len(samples)))
		a.Active = float64(active) / float64(windows)
	}
}

// WAV returns a WAV file of samples: 16-bit PCM, mono, at rate.
func WAV(samples []int16, rate int) []byte {
	le := binary.LittleEndian
	n := 2 * len(samples)
	b := make([]byte, 0, 44+n)
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(36+n))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(2*rate))
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(n))
	for _, s := range samples {
		b = le.AppendUint16(b, uint16(s))
	}
	return b
}

// Tone returns d of a sine wave of freq Hz at rate, of amplitude from 0 to
// 1 of full scale.
func Tone(d time.Duration, freq float64, amplitude float64, rate int) []int16 {
	n := int(d * time.Duration(rate) / time.Second)
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amplitude * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

// Silence returns d of silence at rate.
func Silence(d time.Duration, rate int) []int16 {
	return make([]int16, int(d*time.Duration(rate)/time.Second))
}
