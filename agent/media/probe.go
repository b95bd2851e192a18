package media

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/clara-backend/clara/agent/isolate"
)

// Bounds of the probing runs: what ffprobe (or ffmpeg's progress) may
// write, the JSON of a few streams; the files they may write, none.
const (
	maxProbeOutput = 1 << 20
	maxProbeFile   = 1 << 20
)

// Probe returns what the clip name with content data lasts and whether it
// has sound and pictures. It is cheap (the streams' headers are read, and
// the packets only of a file that does not tell its duration), for use at
// upload time: a clip over Options.MaxDuration gives an error that
// matches ErrTooLong and says so for the user; a file that is no media of
// its type, ErrUnreadable; pictures over 8K, isolate.ErrRefused. Errors of
// Check come first.
func (p *Processor) Probe(ctx context.Context, name string, data []byte) (Info, error) {
	demuxer, err := sniff(name, data)
	if err != nil {
		return Info{}, err
	}
	t, err := p.tools()
	if err != nil {
		return Info{}, err
	}
	dir, input, err := p.workDir(name, data)
	if err != nil {
		return Info{}, err
	}
	defer os.RemoveAll(dir)
	return p.probe(ctx, t, job{name: name, dir: dir, input: input, demuxer: demuxer})
}

// job is one clip being read: its name, and the work directory that holds
// it as input, read by demuxer.
type job struct {
	name, dir, input, demuxer string
}

// probeResult is the part of ffprobe's JSON that probe reads.
type probeResult struct {
	Streams []struct {
		CodecType   string `json:"codec_type"`
		Width       int    `json:"width"`
		Height      int    `json:"height"`
		Disposition struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// probe is Probe on the clip of j.
func (p *Processor) probe(ctx context.Context, t tools, j job) (Info, error) {
	args := append(append([]string(nil), probeArgs...), inputArgs(j.demuxer, j.input)...)
	args = append(args, "-show_entries", "format=duration:stream=codec_type,width,height:stream_disposition=attached_pic", "-of", "json")
	out, err := p.run(ctx, j.name, t.ffprobe, j.dir, args, nil, maxProbeOutput, maxProbeFile)
	if err != nil {
		return Info{}, err
	}
	var r probeResult
	if err := json.Unmarshal(out, &r); err != nil {
		return Info{}, unreadable(j.name, reasonDamaged, "decode ffprobe's answer: %w", err)
	}
	var info Info
	for _, s := range r.Streams {
		switch {
		case s.CodecType == "audio":
			info.HasAudio = true
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0:
			if s.Width*s.Height > maxPixels || s.Width > maxPixels || s.Height > maxPixels {
				return Info{}, &isolate.RefusedError{Name: j.name, Reason: reasonTooLarge,
					Err: fmt.Errorf("ffprobe: video of %d×%d pixels", s.Width, s.Height)}
			}
			info.HasVideo = true
		}
	}
	if !info.HasAudio && !info.HasVideo {
		return Info{}, unreadable(j.name, reasonEmpty, "ffprobe found %d streams, none of sound or pictures", len(r.Streams))
	}
	atLeast := false
	if info.Duration, err = parseSeconds(r.Format.Duration); err != nil || info.Duration <= 0 {
		if info.Duration, atLeast, err = p.measure(ctx, t, j); err != nil {
			return Info{}, err
		}
	}
	if info.Duration.Round(time.Second) > p.opts.MaxDuration || atLeast {
		return Info{}, &tooLongError{name: j.name, duration: info.Duration, max: p.opts.MaxDuration, atLeast: atLeast}
	}
	return info, nil
}

// measure returns the duration of a clip whose header does not tell it
// (a WebM recorded live, say) by reading its packets, without decoding
// them, up to a second past the cap. atLeast reports that reading stopped
// there: the clip lasts at least d.
func (p *Processor) measure(ctx context.Context, t tools, j job) (d time.Duration, atLeast bool, err error) {
	limit := p.opts.MaxDuration + time.Second
	args := append(append([]string(nil), commonArgs...), inputArgs(j.demuxer, j.input, "-t", seconds(limit))...)
	args = append(args, "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-nostats", "-")
	out, err := p.run(ctx, j.name, t.ffmpeg, j.dir, args, nil, maxProbeOutput, maxProbeFile)
	if err != nil {
		return 0, false, err
	}
	// The last progress report holds the end: "out_time_us=12001000".
	const key = "\nout_time_us="
	i := bytes.LastIndex(out, []byte(key))
	if i < 0 {
		return 0, false, unreadable(j.name, reasonDamaged, "ffmpeg reported no progress")
	}
	line := out[i+len(key):]
	line = line[:max(bytes.IndexByte(line, '\n'), 0)]
	us, err := strconv.ParseInt(string(line), 10, 64)
	if err != nil || us <= 0 {
		return 0, false, unreadable(j.name, reasonDamaged, "ffmpeg reported no duration (out_time_us=%q)", line)
	}
	d = time.Duration(us) * time.Microsecond
	return d, d >= limit-time.Second/2, nil
}

// parseSeconds parses a duration in seconds as ffprobe writes it.
func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e9 {
		return 0, fmt.Errorf("duration %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}
