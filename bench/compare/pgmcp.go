package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// createAPIKey makes the user's API key through Clara's REST API (POST
// /api/v1/users/{id}/api_key with the user's token) and keeps its token.
func (s *pgSetup) createAPIKey() error {
	req, err := http.NewRequest(http.MethodPost, s.clara.base+"/api/v1/users/"+s.userID+"/api_key", nil)
	if err != nil {
		return fmt.Errorf("API key request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("create API key: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("create API key: read: %w", err)
	}
	var out struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusCreated || out.Data.Token == "" {
		return fmt.Errorf("create API key: status %d: %s (%v)", resp.StatusCode, bytes.TrimSpace(raw), err)
	}
	s.apiKey = out.Data.Token
	return nil
}

// pairs returns the pairs on PostgreSQL: GET /api/v1/users/{id} with the
// API key against the pgx floor (which reads the same row: the user joined
// with its key), and the MCP tool view_user with the API key against the
// echo tool of echoFloor (the Streamable HTTP floor). Both floors get the
// same Authorization header, which they ignore, so that each side of a pair
// reads requests of the same size.
func (s *pgSetup) pairs(echoFloor *child) []pair {
	auth := "Bearer " + s.apiKey
	want := `"id":"` + s.userID + `"`
	rest := get(s.clara.base+"/api/v1/users/"+s.userID, want)
	rest.Header = http.Header{"Authorization": {auth}}
	restFloor := get(s.floor.base+"/users/"+s.userID, want)
	restFloor.Header = http.Header{"Authorization": {auth}}
	view := mcpCall(s.clara.base+"/mcp", "view_user", `{"user_id":"`+s.userID+`"}`, `"id":"`+s.userID+`"`)
	view.Header.Set("Authorization", auth)
	echo := echoTarget(echoFloor)
	echo.Header = echo.Header.Clone()
	echo.Header.Set("Authorization", auth)
	return []pair{
		{"GET /api/v1/users/{id} (PostgreSQL, API key; floor: pgx, user joined with key)",
			httpSide{restFloor, s.floor}, httpSide{rest, s.clara}},
		{"MCP tools/call view_user (PostgreSQL, API key; floor: echo)",
			httpSide{echo, echoFloor}, httpSide{view, s.clara}},
	}
}
