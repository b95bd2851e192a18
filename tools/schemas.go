package tools

// toolSchemas are a tool's input and output schemas as JSON text, as
// served, but for the {name} placeholders of the input's descriptions.
type toolSchemas struct {
	Input  string `json:"input"`
	Output string `json:"output"`
}
