package agent

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
)

// isMedia reports whether name is a clip that the media reader takes.
func (a *Agent) isMedia(name string) bool {
	return a.cfg.Media != nil && slices.Contains(a.cfg.Media.Exts(), attach.Ext(name))
}

// clipAttachment returns the parts that give the clip att to the model,
// downloading it first when it is given by link. A clip that cannot be had
// fails the analysis (see clip).
func (s *session) clipAttachment(ctx context.Context, att core.AttachmentData) ([]Part, error) {
	data := att.Data
	if att.URL != "" {
		d, ok := s.a.fetcher.(Downloader)
		if !ok {
			return nil, &core.FailedAnalysis{Reason: fmt.Sprintf("%s could not be read: this server cannot download video or audio links.", att.Name)}
		}
		f, err := d.Download(ctx, att.URL, core.DefaultPolicy().MaxFileBytes)
		if err == nil {
			err = s.a.cfg.Media.Check(ctx, att.Name, f.Data)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			return nil, &core.FailedAnalysis{Reason: fmt.Sprintf("%s could not be read from %s: %v. Your credits were released.", att.Name, att.URL, err), Err: err}
		}
		data = f.Data
	}
	return s.clip(ctx, att.Name, data)
}

// clip returns the parts that give the clip att to the model: what it
// lasts, its transcript, and its keyframes when the model sees images.
func (s *session) clip(ctx context.Context, name string, data []byte) ([]Part, error) {
	label := fmt.Sprintf("Attachment %q", name)
	c, err := s.a.cfg.Media.Read(ctx, name, data)
	switch {
	case errors.Is(err, isolate.ErrRefused):
		return nil, refusedFile(name, err)
	case err != nil && (core.IsTransient(err) || ctx.Err() != nil):
		return nil, err
	case err != nil:
		// A clip that cannot be heard or seen fails the analysis rather
		// than leaving the model to judge without it.
		reason := err.Error()
		if !strings.HasPrefix(reason, name+" ") {
			reason = name + " could not be read: " + reason
		}
		return nil, &core.FailedAnalysis{Reason: reason + ". Your credits were released.", Err: err}
	}
	s.attachments[name] = true
	s.clips[name] = c.Duration
	kind := "an audio clip"
	if c.Video {
		kind = "a video"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s of %s (cite it as attachment:%s, or attachment:%s@mm:ss for a moment in it).\n",
		label, kind, clock(c.Duration), name, name)
	if c.Transcript == "" {
		b.WriteString("Transcript: (nothing was heard)\n")
	} else {
		b.WriteString("Transcript of what is said in it:\n" + c.Transcript + "\n")
	}
	parts := []Part{{Text: b.String()}}
	switch {
	case len(c.Frames) == 0:
	case !s.a.vision:
		parts = append(parts, Part{Text: fmt.Sprintf("(%d keyframes of it are not shown: this model cannot see images.)", len(c.Frames))})
	default:
		parts = append(parts, Part{Text: fmt.Sprintf("%d keyframes of it, in time order:", len(c.Frames))})
		for _, f := range c.Frames {
			parts = append(parts, Part{Text: "At " + clock(f.At) + ":"}, Part{Image: f.JPEG, MediaType: "image/jpeg"})
		}
	}
	return parts, nil
}

// clock writes d as mm:ss, or h:mm:ss from an hour.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// momentSuffix is the "@mm:ss" (or "@h:mm:ss") that cites a moment of a clip.
var momentSuffix = regexp.MustCompile(`@(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$`)

// cutMoment splits a cited attachment "clip.mp4@01:23" into the clip's
// name and the moment, when name ends with a moment; ok is false otherwise.
func cutMoment(name string) (clip string, at time.Duration, ok bool) {
	m := momentSuffix.FindStringSubmatchIndex(name)
	if m == nil {
		return name, 0, false
	}
	part := func(i int) int {
		if m[2*i] < 0 {
			return 0
		}
		n, _ := strconv.Atoi(name[m[2*i]:m[2*i+1]])
		return n
	}
	at = time.Duration(part(1))*time.Hour + time.Duration(part(2))*time.Minute + time.Duration(part(3))*time.Second
	return name[:m[0]], at, true
}
