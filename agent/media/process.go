package media

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Audio as Process returns it.
const (
	sampleRate     = 16000
	bytesPerSecond = sampleRate * 2 // mono, 16-bit
)

// audioFile is the raw PCM the demuxing run writes to the work directory.
const audioFile = "audio.pcm"

// Process reads the clip name with content data: it checks and probes it
// as Probe does, then takes its first sound track as 16 kHz mono WAV and
// up to Options.MaxFrames keyframes as JPEG, chosen at scene changes and
// spread over the clip. A clip with pictures none of which can be decoded
// gives an ErrUnreadable error. The reading stops at Options.MaxDuration,
// whatever the file claims. Its work directory is removed in any case.
func (p *Processor) Process(ctx context.Context, name string, data []byte) (Clip, error) {
	demuxer, err := sniff(name, data)
	if err != nil {
		return Clip{}, err
	}
	t, err := p.tools()
	if err != nil {
		return Clip{}, err
	}
	dir, input, err := p.workDir(name, data)
	if err != nil {
		return Clip{}, err
	}
	defer os.RemoveAll(dir)
	j := job{name: name, dir: dir, input: input, demuxer: demuxer}
	info, err := p.probe(ctx, t, j)
	if err != nil {
		return Clip{}, err
	}
	keys, err := p.demux(ctx, t, j, info, len(data))
	if err != nil {
		return Clip{}, err
	}
	c := Clip{Info: info}
	if info.HasAudio {
		if c.Audio, err = readAudio(j); err != nil {
			return Clip{}, err
		}
	}
	if info.HasVideo {
		if c.Frames, err = p.keyframes(ctx, t, j, keys, info.Duration); err != nil {
			return Clip{}, err
		}
	}
	return c, nil
}

// demux runs ffmpeg once over the clip of j, up to the duration cap: it
// decodes the first sound track (if info has one) to raw 16 kHz mono PCM
// in audioFile, and returns the keyframes of the first video track (if
// info has one), copied without decoding into a NUT stream, for
// keyframes to decode. size is the input's size, which bounds the
// keyframes.
func (p *Processor) demux(ctx context.Context, t tools, j job, info Info, size int) ([]byte, error) {
	args := append(append([]string(nil), commonArgs...), inputArgs(j.demuxer, j.input, "-t", seconds(p.opts.MaxDuration))...)
	if info.HasVideo {
		args = append(args, "-map", "0:V:0", "-c", "copy", "-bsf:v", "noise=drop=not(key)", "-f", "nut", "pipe:1")
	}
	if info.HasAudio {
		args = append(args, "-map", "0:a:0", "-ac", "1", "-ar", fmt.Sprint(sampleRate), "-c:a", "pcm_s16le",
			"-f", "s16le", "-y", "file:"+audioFile)
	}
	maxAudio := int64(p.opts.MaxDuration.Seconds()+1) * bytesPerSecond
	return p.run(ctx, j.name, t.ffmpeg, j.dir, args, nil, size+size/8+1<<20, maxAudio+1<<20)
}

// readAudio returns the PCM that demux wrote as a WAV file, or nil if
// there is none.
func readAudio(j job) ([]byte, error) {
	pcm, err := os.ReadFile(filepath.Join(j.dir, audioFile)) // bounded by the run's file size limit
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", j.name, err)
	case len(pcm) < 2:
		return nil, nil
	}
	return wav(pcm[:len(pcm)&^1]), nil
}

// wav returns 16 kHz mono 16-bit PCM samples as a WAV file.
func wav(pcm []byte) []byte {
	b := make([]byte, 44, 44+len(pcm))
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+len(pcm)))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16) // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)  // PCM
	binary.LittleEndian.PutUint16(b[22:], 1)  // mono
	binary.LittleEndian.PutUint32(b[24:], sampleRate)
	binary.LittleEndian.PutUint32(b[28:], bytesPerSecond)
	binary.LittleEndian.PutUint16(b[32:], 2)  // block align
	binary.LittleEndian.PutUint16(b[34:], 16) // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(len(pcm)))
	return append(b, pcm...)
}
