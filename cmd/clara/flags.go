package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// requireFlags is a usage error unless every named flag was given.
func requireFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, name := range names {
		if !cmd.Flags().Changed(name) {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if len(missing) == 1 {
		return usageError{cmd: cmd, err: fmt.Errorf("%s is required", missing[0])}
	}
	last := len(missing) - 1
	return usageError{cmd: cmd, err: fmt.Errorf("%s and %s are required", strings.Join(missing[:last], ", "), missing[last])}
}
