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
		workload               string
		users, poolUsers, conc int
	}
	var order []key
	groups := map[key][]Result{}
	floors := map[key][]*Floor{}
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
			k := key{r.Workload, r.Users, rep.PoolUsers, r.Concurrency}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], r)
			if rep.Floor != nil {
				floors[k] = append(floors[k], rep.Floor)
			}
		}
	}
	fmt.Fprintln(w, "| workload | users | in pool | conc. | runs | ops/s, median (min–max) | floor ops/s | of floor | of shared floor | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/op | bench CPU ms/op | client maths ms/op | machine CPU busy | other CPU, cores | user wait | server peak RSS MB |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
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
		floor, ofFloor, ofShared := "–", "–", "–"
		if fs := floors[k]; len(fs) > 0 {
			var f, sf []float64
			for _, x := range fs {
				f, sf = append(f, x.OpsPerS), append(sf, x.SharedOpsPerS)
			}
			floor = fmt.Sprintf("%.0f", median(f))
			ofFloor = fmt.Sprintf("%.0f%%", 100*median(thr)/median(f))
			ofShared = fmt.Sprintf("%.0f%%", 100*median(thr)/median(sf))
		}
		inPool := "–"
		if k.poolUsers > 0 {
			inPool = fmt.Sprint(k.poolUsers)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %d | %d | **%.0f** (%.0f–%.0f) | %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %d%s | %s | %s | %s | %s | %s | %.0f%% | %s |\n",
			k.workload, k.users, inPool, k.conc, len(rs), median(thr), slices.Min(thr), slices.Max(thr), floor, ofFloor, ofShared,
			med(func(r Result) float64 { return r.Latency.P50 }), med(func(r Result) float64 { return r.Latency.P95 }),
			med(func(r Result) float64 { return r.Latency.P99 }), med(func(r Result) float64 { return r.Latency.Max }),
			errs, strings.TrimPrefix(errorList(kinds), " "),
			medOpt(func(r Result) *float64 { return r.ServerCPUMs }), medOpt(func(r Result) *float64 { return r.BenchCPUMs }),
			maths, busy, medOpt(func(r Result) *float64 { return r.OtherCPU }), 100*med(func(r Result) float64 { return r.UserWaitShare }),
			medOpt(func(r Result) *float64 { return r.ServerPeakRSSMB }))
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
