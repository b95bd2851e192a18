package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/agent/attach"
)

// kinds names each extension's content for messages: "content is not an
// MP4 video".
var kinds = map[string]string{
	".mp4":  "an MP4 video",
	".mov":  "a QuickTime video",
	".avi":  "an AVI video",
	".mkv":  "a Matroska video",
	".mpeg": "an MPEG video",
	".webm": "a WebM video",
	".mp3":  "MP3 audio",
	".wav":  "WAV audio",
	".m4a":  "M4A audio",
	".ogg":  "Ogg audio",
	".flac": "FLAC audio",
}

// Check reports why the file name with content data cannot be read as a
// clip, or nil. The extension (case-insensitive) must be one Exts lists
// and the content's magic bytes must match it: an ISO BMFF "ftyp" box for
// MP4, M4A and QuickTime (which may also start with a "moov", "wide",
// "mdat", "free", "skip" or "pnot" atom); an EBML header of DocType
// "matroska" or "webm" for Matroska, "webm" for WebM; RIFF "AVI " and
// "WAVE"; an MPEG program stream pack header (or an MPEG video sequence
// header); an ID3 tag or an MPEG audio frame for MP3; "OggS"; "fLaC".
// Errors wrap attach.ErrUnsupported or attach.ErrMismatch.
func Check(name string, data []byte) error {
	_, err := sniff(name, data)
	return err
}

// sniff checks name and data as Check does and returns the ffmpeg demuxer
// that reads them.
func sniff(name string, data []byte) (string, error) {
	ext := attach.Ext(name)
	if !IsMedia(ext) {
		shown := ext
		if shown == "" {
			shown = "(no extension)"
		}
		return "", fmt.Errorf("%w %s; supported: %s", attach.ErrUnsupported, shown, strings.Join(Exts(), ", "))
	}
	if len(data) == 0 {
		return "", mismatch("file is empty")
	}
	if demuxer := demuxerOf(ext, data); demuxer != "" {
		return demuxer, nil
	}
	return "", mismatch("content is not " + kinds[ext])
}

// demuxerOf returns the demuxer of data if its magic bytes are those of
// ext, else "".
func demuxerOf(ext string, data []byte) string {
	switch ext {
	case ".mp4", ".m4a":
		return when(isISOBMFF(data), "mov")
	case ".mov":
		return when(isISOBMFF(data) || isQuickTime(data), "mov")
	case ".mkv":
		doc := ebmlDocType(data)
		return when(doc == "matroska" || doc == "webm", "matroska")
	case ".webm":
		return when(ebmlDocType(data) == "webm", "matroska")
	case ".avi":
		return when(isRIFF(data, "AVI "), "avi")
	case ".wav":
		return when(isRIFF(data, "WAVE"), "wav")
	case ".mpeg":
		switch {
		case bytes.HasPrefix(data, []byte{0, 0, 1, 0xBA}):
			return "mpeg" // program stream
		case bytes.HasPrefix(data, []byte{0, 0, 1, 0xB3}):
			return "mpegvideo" // elementary video stream
		}
	case ".mp3":
		return when(bytes.HasPrefix(data, []byte("ID3")) || isMPEGAudioFrame(data), "mp3")
	case ".ogg":
		return when(bytes.HasPrefix(data, []byte("OggS")), "ogg")
	case ".flac":
		return when(bytes.HasPrefix(data, []byte("fLaC")), "flac")
	}
	return ""
}

// when returns s if ok, else "".
func when(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

// isISOBMFF reports whether data starts with an ISO BMFF "ftyp" box.
func isISOBMFF(data []byte) bool {
	return len(data) >= 12 && string(data[4:8]) == "ftyp" && binary.BigEndian.Uint32(data) >= 12
}

// isQuickTime reports whether data starts with an atom that old QuickTime
// files start with.
func isQuickTime(data []byte) bool {
	if len(data) < 8 {
		return false
	}
	switch string(data[4:8]) {
	case "moov", "wide", "mdat", "free", "skip", "pnot":
		return true
	}
	return false
}

// isRIFF reports whether data is a RIFF file of form form ("AVI ",
// "WAVE").
func isRIFF(data []byte, form string) bool {
	return len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == form
}

// isMPEGAudioFrame reports whether data starts with a valid MPEG audio
// (layer I, II or III) frame header: a sync of 11 set bits, then a
// version, layer, bitrate and sampling rate that are not reserved. ADTS
// AAC, whose layer bits are zero, does not pass.
func isMPEGAudioFrame(data []byte) bool {
	if len(data) < 4 || data[0] != 0xFF || data[1]&0xE0 != 0xE0 {
		return false
	}
	version, layer := data[1]>>3&3, data[1]>>1&3
	bitrate, rate := data[2]>>4, data[2]>>2&3
	return version != 1 && layer != 0 && bitrate != 15 && rate != 3
}

// mismatchError is a content check failure; it matches attach.ErrMismatch
// as package attach's own do.
type mismatchError struct{ msg string }

// Error returns the message for the user, e.g. "content is not an MP4
// video".
func (e *mismatchError) Error() string { return e.msg }

// Is makes errors.Is(err, attach.ErrMismatch) true.
func (e *mismatchError) Is(target error) bool { return target == attach.ErrMismatch }

// mismatch returns a mismatchError with msg.
func mismatch(msg string) error { return &mismatchError{msg: msg} }
