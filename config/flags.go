package config

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Group is a set of settings that belong together; each command takes the
// flags of the groups it uses, and reads every setting from the
// environment whatever its group.
type Group uint8

// The groups of settings.
const (
	// GroupStore: the database and the data directory (every command that opens them).
	GroupStore Group = 1 << iota
	// GroupLogging: level and format.
	GroupLogging
	// GroupHTTP: the listener and what only HTTP callers meet (CORS, proxies, OAuth, SSE caps).
	GroupHTTP
	// GroupProfiling: the pprof listener.
	GroupProfiling
	// GroupService: accounts, mail, billing and the MCP tools served.
	GroupService
	// GroupStdio: the caller of clara mcp.
	GroupStdio
	// GroupAnalysis: the model, the agent and its search.
	GroupAnalysis
	// GroupJobs: the analysis workers and shutdown.
	GroupJobs
)

// Groups names each group, in order, for help texts.
var Groups = []struct {
	Group Group
	Name  string
}{
	{GroupStore, "Store"}, {GroupLogging, "Logging"}, {GroupHTTP, "HTTP"}, {GroupProfiling, "Profiling"},
	{GroupService, "Service"}, {GroupStdio, "MCP over stdio"}, {GroupAnalysis, "Analysis"}, {GroupJobs, "Jobs"},
}

// Loader binds Clara's flags to a flag set and, once it is parsed, builds
// the Config.
type Loader struct {
	fs      *pflag.FlagSet
	flags   map[string]*settingValue // setting env name → its flag's value
	envFile *settingValue
}

// EnvFileFlag is the flag that names the .env file.
const envFileFlag = "env-file"

// Bind defines on fs a flag for every setting of groups that has one, and
// --env-file, and returns the Loader that reads them. Settings without a
// flag on fs still come from the environment, a .env file or the default.
func Bind(fs *pflag.FlagSet, groups Group) *Loader {
	l := &Loader{fs: fs, flags: map[string]*settingValue{}}
	for _, s := range settings {
		if s.flag == "" || s.group&groups == 0 {
			continue
		}
		v := &settingValue{value: s.def, kind: s.kind()}
		f := fs.VarPF(v, s.flag, "", s.usage+" ("+s.env+")")
		f.DefValue = s.def
		if v.kind == "bool" {
			f.NoOptDefVal = "true"
		}
		l.flags[s.env] = v
	}
	l.envFile = &settingValue{kind: "file"}
	fs.Var(l.envFile, envFileFlag, "read settings from this file ("+envFileVar+`, default ".env" when present)`)
	return l
}

const envFileVar = "CLARA_ENV_FILE"

// changed reports whether the flag name was given.
func (l *Loader) changed(name string) bool {
	f := l.fs.Lookup(name)
	return f != nil && f.Changed
}

// settingValue is a flag's value, kept as text: the setting's apply checks
// it like a value from the environment, so that both give the same errors.
type settingValue struct{ value, kind string }

func (v *settingValue) String() string     { return v.value }
func (v *settingValue) Set(s string) error { v.value = s; return nil }

// Type names the value in help: --addr host:port, --workers int.
func (v *settingValue) Type() string { return v.kind }

// kind is the setting's value type, as help shows it: bool for true/false
// settings (the flag alone means true), duration and int by default value,
// list for comma-separated values, url for URLs, else string. A
// backquoted word in the usage (`host:port`) names it instead.
func (s setting) kind() string {
	_, durationErr := time.ParseDuration(s.def)
	_, intErr := strconv.Atoi(s.def)
	switch {
	case s.def == "false" || s.def == "true" || strings.Contains(s.usage, "(true or false"):
		return "bool"
	case s.def != "" && durationErr == nil:
		return "duration"
	case intErr == nil:
		return "int"
	case strings.Contains(s.usage, "comma-separated"):
		return "list"
	case strings.HasSuffix(s.env, "_URL"):
		return "url"
	}
	return "string"
}
