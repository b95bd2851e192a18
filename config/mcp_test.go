package config

import (
	"slices"
	"strings"
	"testing"
)

// CLARA_MCP_TOOLSETS and --toolsets choose toolsets, in a canonical
// order, all by default; CLARA_MCP_READ_ONLY and --read-only (alone or
// with a value) choose read-only mode, off by default.
func TestMCPToolsetsAndReadOnly(t *testing.T) {
	t.Chdir(t.TempDir())
	all := []string{"account", "billing", "analysis", "system"}
	cases := []struct {
		args     []string
		env      map[string]string
		toolsets []string
		readOnly bool
	}{
		{toolsets: all},
		{env: map[string]string{"CLARA_MCP_TOOLSETS": ""}, toolsets: all},
		{env: map[string]string{"CLARA_MCP_TOOLSETS": "all"}, toolsets: all},
		{env: map[string]string{"CLARA_MCP_TOOLSETS": " System , analysis,"}, toolsets: []string{"analysis", "system"}},
		{env: map[string]string{"CLARA_MCP_TOOLSETS": "billing,billing"}, toolsets: []string{"billing"}},
		{env: map[string]string{"CLARA_MCP_TOOLSETS": "analysis,all"}, toolsets: all},
		{args: []string{"--toolsets", "analysis,system", "--read-only"}, toolsets: []string{"analysis", "system"}, readOnly: true},
		{args: []string{"--toolsets=account"}, env: map[string]string{"CLARA_MCP_TOOLSETS": "billing"}, toolsets: []string{"account"}},
		{env: map[string]string{"CLARA_MCP_READ_ONLY": "true"}, toolsets: all, readOnly: true},
		{args: []string{"--read-only=false"}, env: map[string]string{"CLARA_MCP_READ_ONLY": "true"}, toolsets: all},
		{args: []string{"--read-only=1"}, toolsets: all, readOnly: true},
	}
	for _, tc := range cases {
		if tc.env == nil {
			tc.env = map[string]string{}
		}
		tc.env["HOME"] = "/h"
		c, err := load(t, tc.args, tc.env)
		if err != nil {
			t.Errorf("%v %v: %v", tc.args, tc.env, err)
			continue
		}
		if !slices.Equal(c.MCPToolsets, tc.toolsets) || c.MCPReadOnly != tc.readOnly {
			t.Errorf("%v %v: toolsets %v, read-only %v; want %v, %v", tc.args, tc.env, c.MCPToolsets, c.MCPReadOnly, tc.toolsets, tc.readOnly)
		}
	}
}

// Unknown toolsets and a read-only value that is no boolean are refused in
// one line naming the setting; a toolset error names the valid toolsets.
func TestMCPToolsetsAndReadOnlyRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct {
		args   []string
		env    map[string]string
		prefix string
	}{
		{env: map[string]string{"CLARA_MCP_TOOLSETS": "analysis,repos"}, prefix: `CLARA_MCP_TOOLSETS: "repos" is not a toolset: use one or more of account, billing, analysis, system (comma-separated), or all`},
		{args: []string{"--toolsets", "billing;system"}, prefix: `--toolsets: "billing;system" is not a toolset`},
		{env: map[string]string{"CLARA_MCP_READ_ONLY": "sometimes"}, prefix: `CLARA_MCP_READ_ONLY: "sometimes" is not true or false`},
		{args: []string{"--read-only=yes"}, prefix: `--read-only: "yes" is not true or false`},
	}
	for _, tc := range cases {
		if tc.env == nil {
			tc.env = map[string]string{}
		}
		tc.env["HOME"] = "/h"
		_, err := load(t, tc.args, tc.env)
		if err == nil || !strings.HasPrefix(err.Error(), tc.prefix) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: err = %v, want one line starting %q", tc.args, tc.env, err, tc.prefix)
		}
	}
}
