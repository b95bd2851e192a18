package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sceneThreshold is the scene score (0 to 1, the difference from the
// previous keyframe) from which a keyframe counts as a scene change.
const sceneThreshold = 0.3

// Bounds of the keyframe run.
const (
	maxFrameFile   = 16 << 20 // one JPEG
	maxFrameReport = 1 << 20  // the metadata printed for the candidates
)

// candidate is a keyframe that the keyframe run wrote: its time, its
// scene score and its file.
type candidate struct {
	at    time.Duration
	score float64
	file  string
}

// keyframes decodes keys, the NUT stream of keyframes that demux gave,
// and returns up to Options.MaxFrames of them as JPEG, at most MaxSide
// pixels on the longer side. ffmpeg writes candidates: the first
// keyframe, the first of each of MaxFrames equal parts of the clip, and
// scene changes, at least a quarter part apart (so at most 5×MaxFrames+2
// candidates); then pick keeps one per part, the most changed.
func (p *Processor) keyframes(ctx context.Context, t tools, j job, keys []byte, d time.Duration) ([]Frame, error) {
	n := p.opts.MaxFrames
	if d <= 0 {
		d = p.opts.MaxDuration
	}
	part := d.Seconds() / float64(n)
	sel := fmt.Sprintf("isnan(prev_selected_t)+gt(floor(t/%[1]f),floor(prev_selected_t/%[1]f))+gt(scene,%[2]g)*gte(t-prev_selected_t,%[3]f)",
		part, sceneThreshold, part/4)
	chain := fmt.Sprintf("select='%s',metadata=mode=print:key=lavfi.scene_score:file=-,"+
		"scale=w='min(%[2]d,iw)':h='min(%[2]d,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuvj420p", sel, MaxSide)
	maxCandidates := 5*n + 2
	args := append(append([]string(nil), commonArgs...),
		"-protocol_whitelist", "pipe", "-format_whitelist", "nut", "-f", "nut", "-max_pixels", fmt.Sprint(maxPixels),
		"-copyts", "-i", "pipe:0",
		"-map", "0:v:0", "-vf", chain, "-fps_mode", "passthrough", "-frames:v", fmt.Sprint(maxCandidates),
		"-c:v", "mjpeg", "-q:v", "3", "-threads", "1", "-f", "image2", "-y", "file:frame%04d.jpg")
	report, err := p.run(ctx, j.name, t.ffmpeg, j.dir, args, keys, maxFrameReport, maxFrameFile)
	if err != nil {
		return nil, err
	}
	cands := parseReport(report, maxCandidates)
	var frames []Frame
	for _, c := range pick(cands, n, d) {
		jpeg, err := os.ReadFile(filepath.Join(j.dir, c.file)) // bounded by the run's file size limit
		if errors.Is(err, fs.ErrNotExist) {
			continue // printed, not encoded
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", j.name, err)
		}
		if !bytes.HasPrefix(jpeg, []byte{0xFF, 0xD8}) {
			return nil, unreadable(j.name, reasonNoFrames, "ffmpeg wrote %s that is no JPEG", c.file)
		}
		frames = append(frames, Frame{At: c.at, JPEG: jpeg})
	}
	if len(frames) == 0 {
		return nil, unreadable(j.name, reasonNoFrames, "ffmpeg decoded none of %d candidate keyframes", len(cands))
	}
	return frames, nil
}

// parseReport reads what the metadata filter printed, a pair of lines per
// candidate written ("frame:0 pts:0 pts_time:2.5" then
// "lavfi.scene_score=0.41"), and returns up to max candidates, with the
// files image2 named them by.
func parseReport(report []byte, max int) []candidate {
	var cands []candidate
	sc := bufio.NewScanner(bytes.NewReader(report))
	for sc.Scan() && len(cands) < max {
		line := sc.Text()
		if strings.HasPrefix(line, "frame:") {
			c := candidate{at: -1, file: fmt.Sprintf("frame%04d.jpg", len(cands)+1)}
			if _, v, ok := strings.Cut(line, "pts_time:"); ok {
				v, _, _ = strings.Cut(v, " ")
				if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
					c.at = time.Duration(math.Round(s*1000)) * time.Millisecond
				}
			}
			cands = append(cands, c)
		} else if v, ok := strings.CutPrefix(line, "lavfi.scene_score="); ok && len(cands) > 0 {
			cands[len(cands)-1].score, _ = strconv.ParseFloat(v, 64)
		}
	}
	// A candidate without a time follows the one before it.
	for i := range cands {
		if cands[i].at < 0 {
			cands[i].at = 0
			if i > 0 {
				cands[i].at = cands[i-1].at
			}
		}
	}
	return cands
}

// pick keeps at most n of cands, in time order: of those in each of n
// equal parts of d, the most changed from the keyframe before it (the
// earliest of equals). A candidate past d counts in the last part.
func pick(cands []candidate, n int, d time.Duration) []candidate {
	best := make([]int, n)
	for i := range best {
		best[i] = -1
	}
	for i, c := range cands {
		k := n - 1
		if f := float64(c.at) / float64(d) * float64(n); f < float64(n-1) {
			k = int(max(f, 0))
		}
		if b := best[k]; b < 0 || c.score > cands[b].score {
			best[k] = i
		}
	}
	var kept []candidate
	for _, b := range best {
		if b >= 0 {
			kept = append(kept, cands[b])
		}
	}
	return kept
}
