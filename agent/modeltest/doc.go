// Package modeltest is a scriptable fake of the model providers' HTTP APIs
// for tests: OpenAI-compatible Chat Completions (POST /v1/chat/completions)
// and Anthropic Messages (POST /v1/messages), served by httptest.
//
// A test queues the replies the fake gives, in order: a final answer
// (Answer, with AnalysisJSON for a valid analysis), a tool call
// (FetchURL), an HTTP error (Status), and any of them delayed (Delay) or
// held until the test releases them (Hold, with a Gate). The fake records
// every request and counts the calls; with the queue empty it answers 500.
//
//	m := modeltest.New(t)
//	m.Enqueue(modeltest.FetchURL("https://example.com/a"), modeltest.Answer(modeltest.AnalysisJSON("TRUE", "https://example.com/a")))
//	// point the agent at m.URL() ("http://127.0.0.1:port/v1") with any API key
//
// Only tests import it.
package modeltest
