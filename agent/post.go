package agent

import "github.com/clara-backend/clara/agent/fetch"

// postBlock returns the block that describes the post a fetched page
// carries (fetch.Post: author, time, text, media), to go before the page's
// text in the fetch_url result, or "" for a page without one. The block,
// at most a few kilobytes, is charged to the page-text budget.
func (s *session) postBlock(p *fetch.Post) string {
	if p == nil {
		return ""
	}
	block := p.Block() + "\n"
	s.textLeft -= int64(len(block))
	return block
}
