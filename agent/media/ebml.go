package media

// EBML element IDs, with their length markers.
const (
	ebmlHeaderID = 0x1A45DFA3
	docTypeID    = 0x4282
)

// maxEBMLHeader bounds how far ebmlDocType reads.
const maxEBMLHeader = 4 << 10

// ebmlDocType returns the DocType of the EBML header data starts with
// ("matroska", "webm"), or "" if data does not start with one.
func ebmlDocType(data []byte) string {
	data = data[:min(len(data), maxEBMLHeader)]
	id, n := vint(data, true)
	if n == 0 || id != ebmlHeaderID {
		return ""
	}
	size, m := vint(data[n:], false)
	if m == 0 {
		return ""
	}
	body := data[n+m:]
	if size < uint64(len(body)) {
		body = body[:size]
	}
	for len(body) > 0 {
		id, n := vint(body, true)
		if n == 0 {
			return ""
		}
		size, m := vint(body[n:], false)
		if m == 0 || size > uint64(len(body)-n-m) {
			return ""
		}
		if id == docTypeID {
			return string(body[n+m : n+m+int(size)])
		}
		body = body[n+m+int(size):]
	}
	return ""
}

// vint reads the EBML variable-length integer data starts with and
// returns it and its length, 0 if data does not start with one. An
// element ID keeps its length marker; a size loses it.
func vint(data []byte, keepMarker bool) (uint64, int) {
	if len(data) == 0 || data[0] == 0 {
		return 0, 0
	}
	n := 1
	for mask := byte(0x80); data[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > len(data) {
		return 0, 0
	}
	v := uint64(data[0])
	if !keepMarker {
		v &= uint64(0xFF >> n)
	}
	for _, b := range data[1:n] {
		v = v<<8 | uint64(b)
	}
	return v, n
}
