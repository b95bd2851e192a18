package modeltest

import "encoding/json"

// AnalysisSource is a source of an analysis answer.
type AnalysisSource struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// AnalysisClaim is a checked claim of an analysis answer.
type AnalysisClaim struct {
	Claim       string           `json:"claim"`
	Verdict     string           `json:"verdict"`
	Explanation string           `json:"explanation"`
	Sources     []AnalysisSource `json:"sources"`
}

// AnalysisAnswer is the final JSON a model gives the agent: the contract's
// analysis result without "model", which the agent fills in.
type AnalysisAnswer struct {
	Verdict    string           `json:"verdict"`
	Confidence float64          `json:"confidence"`
	Summary    string           `json:"summary"`
	Claims     []AnalysisClaim  `json:"claims"`
	Sources    []AnalysisSource `json:"sources"`
}

// NewAnalysis returns a valid answer of verdict whose one claim and whose
// sources are the given URLs (attachment:<name> for an attachment), each
// titled "Source N". With no URLs, the sources are empty lists.
func NewAnalysis(verdict string, urls ...string) AnalysisAnswer {
	sources := make([]AnalysisSource, 0, len(urls))
	for i, u := range urls {
		sources = append(sources, AnalysisSource{URL: u, Title: "Source " + string(rune('1'+i%9))})
	}
	return AnalysisAnswer{
		Verdict:    verdict,
		Confidence: 0.9,
		Summary:    "The claim was checked against the sources read.",
		Claims: []AnalysisClaim{{
			Claim: "The claim under test.", Verdict: verdict,
			Explanation: "The sources read say so.", Sources: sources,
		}},
		Sources: sources,
	}
}

// JSON returns a as the model writes it.
func (a AnalysisAnswer) JSON() string {
	b, err := json.Marshal(a)
	if err != nil {
		panic("modeltest: analysis: " + err.Error())
	}
	return string(b)
}

// AnalysisJSON is NewAnalysis(verdict, urls...).JSON(): the text of a
// valid final answer.
func AnalysisJSON(verdict string, urls ...string) string { return NewAnalysis(verdict, urls...).JSON() }
