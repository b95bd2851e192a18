package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"
)

// pairRuns holds every round's result of one pair.
type pairRuns struct {
	floor, clara []result
}

// summary is the median over rounds of each figure of a result.
func summary(rs []result) result {
	med := func(f func(result) float64) float64 {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = f(r)
		}
		slices.Sort(xs)
		if len(xs)%2 == 0 {
			return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
		}
		return xs[len(xs)/2]
	}
	errs := 0
	for _, r := range rs {
		errs += r.Errors
	}
	return result{
		RPS:    med(func(r result) float64 { return r.RPS }),
		P50:    time.Duration(med(func(r result) float64 { return float64(r.P50) })),
		P99:    time.Duration(med(func(r result) float64 { return float64(r.P99) })),
		CPU:    time.Duration(med(func(r result) float64 { return float64(r.CPU) })),
		Other:  time.Duration(med(func(r result) float64 { return float64(r.Other) })),
		Load:   time.Duration(med(func(r result) float64 { return float64(r.Load) })),
		Errors: errs,
	}
}

// printReport writes the Markdown table of the pairs' medians.
func printReport(w io.Writer, pairs []pair, runs []pairRuns, o options) {
	fmt.Fprintf(w, "\n### Clara vs floors (median of %d rounds, %d clients, %s each)\n\n", o.rounds, o.clients, o.dur)
	fmt.Fprintln(w, "| Pair | Floor req/s | Clara req/s | Ratio | Floor p50 | Clara p50 | Floor p99 | Clara p99 |"+
		" Floor CPU/req | Clara CPU/req | Other CPU/req (floor/Clara) | Load CPU/req (floor/Clara) | Errors (floor/Clara) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for i, p := range pairs {
		f, c := summary(runs[i].floor), summary(runs[i].clara)
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2f | %s | %s | %s | %s | %.1f µs | %.1f µs | %.0f/%.0f µs | %.0f/%.0f µs | %d/%d |\n",
			p.name, f.RPS, c.RPS, c.RPS/f.RPS, us(f.P50), us(c.P50), us(f.P99), us(c.P99),
			micros(f.CPU), micros(c.CPU), micros(f.Other), micros(c.Other), micros(f.Load), micros(c.Load), f.Errors, c.Errors)
	}
	fmt.Fprintln(w, "\nCPU/req: user + system time of the server process alone (not the load generator, not PostgreSQL)"+
		" over the counted window, divided by the requests counted. Other CPU/req: the machine's busy time less the"+
		" server's and the load generator's, per request: PostgreSQL's on the database pairs, else background. Load CPU/req: the load generator's.")
}

// measures are the rows of the table of the figures other than pairs.
type measures []measureRow

// measureRow is one figure of a floor and of Clara, already formatted,
// and Clara's value over the floor's (NaN when there is none).
type measureRow struct {
	name, floor, clara string
	ratio              float64
}

// add appends a row.
func (m *measures) add(name, floor, clara string, ratio float64) {
	*m = append(*m, measureRow{name, floor, clara, ratio})
}

// print writes the rows as a Markdown table, if there are any.
func (m measures) print(w io.Writer) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(w, "\n| Measure | Floor | Clara | Ratio |\n|---|---:|---:|---:|\n")
	for _, r := range m {
		ratio := "—"
		if !math.IsNaN(r.ratio) && !math.IsInf(r.ratio, 0) {
			ratio = fmt.Sprintf("%.2f", r.ratio)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.name, r.floor, r.clara, ratio)
	}
}

// us formats d in whole microseconds.
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }

// ms formats d in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1e3) }

// micros returns d in microseconds.
func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// mib formats a size in MiB with one decimal.
func mib(x float64) string { return fmt.Sprintf("%.1f MiB", x) }

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// numCPU returns the number of CPUs this process may use.
func numCPU() int { return runtime.NumCPU() }
