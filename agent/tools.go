package agent

// ToolSpec is a tool the model is offered: its name, what it does, and the
// JSON schema of its input.
type ToolSpec struct {
	Name        string
	Description string
	Schema      map[string]any // a JSON schema of type object
	// Server marks the provider's own web search (Anthropic's web_search
	// server tool), which the provider runs itself; Name, Description and
	// Schema are unused then.
	Server bool
}

// The names of the agent's tools.
const (
	toolFetch      = "fetch_url"
	toolSearch     = "search_web"
	toolFactChecks = "find_fact_checks"
)

// objectSchema returns the schema of an object with one required string
// property.
func objectSchema(name, description string) map[string]any {
	return map[string]any{
		"type":       "object",
		"properties": map[string]any{name: map[string]any{"type": "string", "description": description}},
		"required":   []string{name},
	}
}

// fetchTool reads a public web page.
var fetchTool = ToolSpec{
	Name: toolFetch,
	Description: "Fetch a public web page (http or https) and return its readable text, " +
		"its final URL after redirects and its title. Use it to read the links in the query and the " +
		"sources you need. Cite a page by the final URL it returns.",
	Schema: objectSchema("url", "the absolute http(s) URL to fetch"),
}

// searchTool searches the web with Clara's search provider.
var searchTool = ToolSpec{
	Name: toolSearch,
	Description: "Search the web. Returns up to 8 results, each with a title, URL, snippet and date when known. " +
		"A result is not a source: fetch a page with fetch_url before you rely on it or cite it.",
	Schema: objectSchema("query", "what to search for: a short query, as you would type it into a search engine"),
}

// factChecksTool finds published fact-checks (ClaimReview).
var factChecksTool = ToolSpec{
	Name: toolFactChecks,
	Description: "Find fact-checks that professional fact-checkers have published about a claim (Google Fact Check Tools). " +
		"Returns up to 5 reviews, each with the publisher, its rating, the claim it reviewed and its URL. " +
		"Fetch a relevant review with fetch_url before you rely on it or cite it.",
	Schema: objectSchema("claim", "the claim, in a short sentence"),
}

// serverSearchTool is the provider's own web search.
var serverSearchTool = ToolSpec{Name: "web_search", Server: true}

// offered returns the tools of an analysis: fetch_url, and search and
// fact-checks when the agent has them.
func (a *Agent) offered() []ToolSpec {
	tools := []ToolSpec{fetchTool}
	switch {
	case a.cfg.Searcher != nil:
		tools = append(tools, searchTool)
	case a.cfg.NativeSearch:
		tools = append(tools, serverSearchTool)
	}
	if a.cfg.FactChecker != nil {
		tools = append(tools, factChecksTool)
	}
	return tools
}
