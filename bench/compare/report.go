package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
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
		Errors: errs,
	}
}

// printReport writes the Markdown table of the pairs' medians.
func printReport(w io.Writer, pairs []pair, runs []pairRuns, o options) {
	fmt.Fprintf(w, "\n### Clara vs floors (median of %d rounds, %d clients, %s each)\n\n", o.rounds, o.clients, o.dur)
	fmt.Fprintln(w, "| Pair | Floor req/s | Clara req/s | Ratio | Floor p50 | Clara p50 | Floor p99 | Clara p99 | Errors (floor/Clara) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for i, p := range pairs {
		f, c := summary(runs[i].floor), summary(runs[i].clara)
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2f | %s | %s | %s | %s | %d/%d |\n",
			p.name, f.RPS, c.RPS, c.RPS/f.RPS, us(f.P50), us(c.P50), us(f.P99), us(c.P99), f.Errors, c.Errors)
	}
}

// printOthers writes the start-up and memory figures.
func printOthers(w io.Writer, floorStart, claraStart time.Duration, floorRSS, claraRSS float64, starts int) {
	fmt.Fprintf(w, "\n| Measure | Floor | Clara | Ratio |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(w, "| stdio start → initialize answered (median of %d) | %s | %s | %.2f |\n",
		starts, ms(floorStart), ms(claraStart), float64(claraStart)/float64(floorStart))
	fmt.Fprintf(w, "| idle RSS 2 s after start (floor: bare health server) | %.1f MiB | %.1f MiB | %.2f |\n",
		floorRSS, claraRSS, claraRSS/floorRSS)
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1e3) }

func numCPU() int { return runtime.NumCPU() }
