package transcribe

import "time"

// span is a chunk of the audio: samples [start, end).
type span struct{ start, end int }

// Where a chunk is cut.
const (
	// quietWindow is the window whose energy is measured: 20 ms.
	quietWindow = SampleRate / 50
	// quietSearch is how far before the limit a chunk may be cut, at most
	// (and at most a quarter of the chunk).
	quietSearch = 5 * time.Second
	// minTail is the shortest last chunk (or half the limit, if less):
	// providers refuse very short audio (OpenAI under 0.1 s).
	minTail = time.Second
)

// maxSamples is the most samples a chunk may hold: within ChunkDuration,
// and with its header within MaxChunkBytes; never under one second.
func (t *Transcriber) maxSamples() int {
	byDuration := int(t.opts.ChunkDuration * SampleRate / time.Second)
	byBytes := int((t.opts.MaxChunkBytes - headerSize) / bytesPerSample)
	return max(min(byDuration, byBytes), SampleRate)
}

// plan cuts the samples of pcm into chunks of at most limit samples, in
// order. Each chunk but the last ends at the quietest window of the last
// seconds before its limit, early enough to leave the last chunk minTail.
func plan(pcm []byte, limit int) []span {
	n := len(pcm) / bytesPerSample
	search := min(int(quietSearch*SampleRate/time.Second), limit/4)
	tail := min(int(minTail*SampleRate/time.Second), limit/2)
	var spans []span
	for start := 0; start < n; {
		end := start + limit
		if end >= n {
			spans = append(spans, span{start, n})
			break
		}
		to := min(end, n-tail)
		end = quietest(pcm, max(to-search, start+1), to)
		spans = append(spans, span{start, end})
		start = end
	}
	return spans
}

// quietest returns the middle of the window of lowest energy in samples
// [from, to) of pcm, the latest of equals: a cut point in (from, to].
// With less than a window to search, it returns to.
func quietest(pcm []byte, from, to int) int {
	best, bestEnergy := to, int64(-1)
	for w := to - quietWindow; w >= from; w -= quietWindow {
		e := energy(pcm, w, w+quietWindow)
		if bestEnergy < 0 || e < bestEnergy {
			best, bestEnergy = w+quietWindow/2, e
		}
	}
	return best
}

// energy is the sum of the squares of samples [from, to) of pcm.
func energy(pcm []byte, from, to int) int64 {
	var sum int64
	for i := from; i < to; i++ {
		s := int64(int16(uint16(pcm[2*i]) | uint16(pcm[2*i+1])<<8))
		sum += s * s
	}
	return sum
}
