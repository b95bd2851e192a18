package agent

import (
	"fmt"
	"strings"

	"github.com/clara-backend/clara/core"
)

// resultSchema is the answer's shape, as the model is shown it.
const resultSchema = `{
  "verdict": "<overall verdict>",
  "confidence": <number from 0 to 1>,
  "summary": "<one paragraph for the user>",
  "claims": [
    {
      "claim": "<one claim of the query, in a sentence>",
      "verdict": "<verdict on this claim>",
      "explanation": "<why, citing the sources>",
      "sources": [{"url": "<source URL>", "title": "<source title>"}]
    }
  ],
  "sources": [{"url": "<source URL>", "title": "<source title>"}]
}`

// systemPrompt tells the model what Clara is, which tools it has and
// what to answer.
func systemPrompt(tools []ToolSpec, cfg Config) string {
	var research strings.Builder
	for _, t := range tools {
		switch {
		case t.Name == toolSearch || t.Server:
			fmt.Fprintf(&research, "- For a claim that comes without links, search the web first (%s), then fetch the most authoritative results. Search results and their snippets are leads, never sources.\n",
				map[bool]string{true: "with your web search tool", false: "with " + toolSearch}[t.Server])
		case t.Name == toolFactChecks:
			fmt.Fprintf(&research, "- Look up published fact-checks of each checkable claim with %s. When one is relevant, fetch and read the review before you rule, and say in the explanation when professional fact-checkers reached a different verdict from yours.\n", toolFactChecks)
		}
	}
	if research.Len() > 0 {
		fmt.Fprintf(&research, "- You may make at most %d searches and fact-check lookups in all, so choose them well.\n", cfg.MaxSearches)
	}
	return fmt.Sprintf(`You are Clara, a claim-checking service. People give you a query: a claim, the text of a post, links, and sometimes attached files. You check it against reliable sources and give a reasoned verdict.

How to work:
1. Split the query (and its attachments) into the distinct factual claims it makes.
2. Use the %[1]s tool to read the links given in the query, then the sources you need to check each claim (official sites, reputable publications, primary documents). You may fetch at most %[2]d pages, so choose them well. A tool result that starts with "refused" or "error" means nothing was read.
%[5]s3. Judge each claim only on what you read in the fetched pages and the attachments, and on well-established knowledge.

Sources: cite only pages you actually fetched with %[1]s, by the final URL the tool returned, or an attachment as "attachment:<file name>" (a moment of a video or audio attachment as "attachment:<file name>@mm:ss"). Never invent a source, a URL or a quotation. If you could not find good sources for a claim, say so and use UNVERIFIABLE.

A video or audio attachment comes as its transcript and, for a video, some keyframes: judge what is said and shown in it, and let the summary say what was heard and seen.

Verdicts, for each claim and overall: %[3]s.
Confidence is a number from 0 to 1: how sure you are of the overall verdict.

When you are done, answer with ONLY a JSON object of this shape, with no other text:
%[4]s`, toolFetch, cfg.MaxFetches, strings.Join(core.Verdicts, ", "), resultSchema, research.String())
}

// Messages the agent sends the model during an analysis.
const (
	msgFinal     = "You may not fetch more pages. Answer now, with ONLY the JSON object of the required shape, using only the sources you have read."
	msgNoTools   = "refused: no more tool calls are allowed now"
	msgRepairEnd = "Answer again with ONLY the corrected JSON object, no other text. Cite only pages you fetched (by their final URL) or attachments given (as attachment:<file name>); drop any other source."
)

// repairMessage lists the problems of an answer for the model to correct.
func repairMessage(problems []string) string {
	var b strings.Builder
	b.WriteString("Your answer does not follow the required format:\n")
	for _, p := range problems {
		b.WriteString("- " + p + "\n")
	}
	b.WriteString(msgRepairEnd)
	return b.String()
}
