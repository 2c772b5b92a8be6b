package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// summarize reads -out files of repeated runs and prints one Markdown table
// row per (workload, users, concurrency): medians across the runs, the
// throughput range, and the errors summed.
func summarize(w io.Writer, files []string) error {
	type key struct {
		workload    string
		users, conc int
	}
	var order []key
	groups := map[key][]Result{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var rep Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("%s: %v", f, err)
		}
		for _, r := range rep.Runs {
			k := key{r.Workload, r.Users, r.Concurrency}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], r)
		}
	}
	fmt.Fprintln(w, "| workload | users | conc. | runs | ops/s, median (min–max) | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/op | bench CPU ms/op | client maths ms/op | machine CPU busy | other CPU, cores | user wait |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, k := range order {
		rs := groups[k]
		med := func(f func(Result) float64) float64 {
			var v []float64
			for _, r := range rs {
				v = append(v, f(r))
			}
			return median(v)
		}
		medOpt := func(f func(Result) *float64) string {
			var v []float64
			for _, r := range rs {
				if p := f(r); p != nil {
					v = append(v, *p)
				}
			}
			if len(v) == 0 {
				return "–"
			}
			return fmt.Sprintf("%.2f", median(v))
		}
		var thr []float64
		var errs int64
		kinds := map[string]int64{}
		for _, r := range rs {
			thr = append(thr, r.Throughput)
			errs += r.ErrorCount
			for e, n := range r.Errors {
				kinds[e] += n
			}
		}
		busy := medOpt(func(r Result) *float64 { return r.MachineBusy })
		if busy != "–" {
			var v float64
			fmt.Sscan(busy, &v)
			busy = fmt.Sprintf("%.0f%%", 100*v)
		}
		maths := "–"
		if m := med(func(r Result) float64 { return r.ClientMathsMs }); m >= 0.05 {
			maths = fmt.Sprintf("%.2f", m)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | **%.0f** (%.0f–%.0f) | %.1f | %.1f | %.1f | %.1f | %d%s | %s | %s | %s | %s | %s | %.0f%% |\n",
			k.workload, k.users, k.conc, len(rs), median(thr), slices.Min(thr), slices.Max(thr),
			med(func(r Result) float64 { return r.Latency.P50 }), med(func(r Result) float64 { return r.Latency.P95 }),
			med(func(r Result) float64 { return r.Latency.P99 }), med(func(r Result) float64 { return r.Latency.Max }),
			errs, strings.TrimPrefix(errorList(kinds), " "),
			medOpt(func(r Result) *float64 { return r.ServerCPUMs }), medOpt(func(r Result) *float64 { return r.BenchCPUMs }),
			maths, busy, medOpt(func(r Result) *float64 { return r.OtherCPU }), 100*med(func(r Result) float64 { return r.UserWaitShare }))
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
