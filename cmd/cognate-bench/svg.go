package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
)

func writeSVGFile(path string, rep *Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = writeSVG(f, rep)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeSVG draws two panels against concurrency: throughput, and the p50,
// p95 and p99 latencies. Plain SVG 1.1, no scripts, no external fonts.
func writeSVG(w io.Writer, rep *Report) error {
	const width, height = 920, 420
	var xs []int
	var thr, p50, p95, p99 []float64
	for _, r := range rep.Runs {
		xs = append(xs, r.Concurrency)
		thr = append(thr, r.Throughput)
		p50 = append(p50, r.Latency.P50)
		p95 = append(p95, r.Latency.P95)
		p99 = append(p99, r.Latency.P99)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&sb, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	dur := ""
	if len(rep.Runs) > 0 {
		dur = rep.Runs[0].Duration + " per point, "
	}
	title := fmt.Sprintf("cognate-bench %s: %d users, %s%s", rep.Workload, rep.Users, dur, rep.Started.Format("2006-01-02"))
	fmt.Fprintf(&sb, `<text x="%d" y="24" text-anchor="middle" font-size="15" font-weight="bold">%s</text>`+"\n", width/2, html.EscapeString(title))
	var marks []string
	waited := false
	for _, r := range rep.Runs {
		m := ""
		if r.UserWaitShare >= 0.05 {
			m, waited = fmt.Sprintf(" *%.0f%%", 100*r.UserWaitShare), true
		}
		marks = append(marks, m)
	}
	panel(&sb, 70, 50, 340, 280, "Throughput", "ops/s", xs, []series{{"throughput", "#1f77b4", thr, marks}})
	panel(&sb, 530, 50, 340, 280, "Latency", "ms", xs, []series{{"p50", "#2ca02c", p50, nil}, {"p95", "#ff7f0e", p95, nil}, {"p99", "#d62728", p99, nil}})
	notes := []string{fmt.Sprintf("Completed operations per second, and latency of one whole operation (all its requests); %d CPUs, %s.", rep.NumCPU, rep.GoVersion)}
	if waited {
		notes = append(notes, "*: share of worker time spent waiting for a user allowed to sign in (a TOTP step not yet spent).")
	}
	for i, n := range notes {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" font-size="11" fill="#555">%s</text>`+"\n", width/2, height-26+14*i, html.EscapeString(n))
	}
	sb.WriteString("</svg>\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

type series struct {
	name, color string
	ys          []float64
	marks       []string // appended to the value labels of a lone series
}

// panel draws one chart with its plot area at (x0, y0), pw × ph pixels.
// Concurrency is on a log2 axis, since sweeps double or quadruple it.
func panel(sb *strings.Builder, x0, y0, pw, ph float64, title, unit string, xs []int, ss []series) {
	top := 0.0
	for _, s := range ss {
		for _, y := range s.ys {
			top = math.Max(top, y)
		}
	}
	top = niceCeil(top)
	lx := make([]float64, len(xs))
	for i, x := range xs {
		lx[i] = math.Log2(float64(x))
	}
	lo, hi := 0.0, 1.0
	if len(lx) > 0 {
		lo, hi = lx[0], lx[0]
		for _, v := range lx {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	px := func(i int) float64 {
		if hi == lo {
			return x0 + pw/2
		}
		return x0 + 20 + (lx[i]-lo)/(hi-lo)*(pw-40)
	}
	py := func(y float64) float64 { return y0 + ph - y/top*ph }

	fmt.Fprintf(sb, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="13" font-weight="bold">%s</text>`+"\n", x0+pw/2, y0-8, html.EscapeString(title))
	// Grid lines and y labels.
	for k := 0; k <= 5; k++ {
		v := top * float64(k) / 5
		y := py(v)
		fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x0, y, x0+pw, y)
		fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, y+4, fmtNum(v))
	}
	// Axes.
	fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", x0, y0, x0, y0+ph)
	fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", x0, y0+ph, x0+pw, y0+ph)
	for i, x := range xs {
		fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(i), y0+ph, px(i), y0+ph+4)
		fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", px(i), y0+ph+17, x)
	}
	fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" text-anchor="middle">concurrency (log scale)</text>`+"\n", x0+pw/2, y0+ph+36)
	fmt.Fprintf(sb, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", x0-48, y0+ph/2, html.EscapeString(unit))
	// Series, with a value label on each point of a lone series.
	for si, s := range ss {
		var pts []string
		for i, y := range s.ys {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(i), py(y)))
		}
		fmt.Fprintf(sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), s.color)
		for i, y := range s.ys {
			fmt.Fprintf(sb, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", px(i), py(y), s.color)
			if len(ss) == 1 {
				label := fmtNum(y)
				if i < len(s.marks) {
					label += s.marks[i]
				}
				fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`+"\n", px(i), py(y)-8, s.color, html.EscapeString(label))
			}
		}
		if len(ss) > 1 {
			ly := y0 + 14 + float64(si)*16
			fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", x0+12, ly-4, x0+32, ly-4, s.color)
			fmt.Fprintf(sb, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x0+38, ly, html.EscapeString(s.name))
		}
	}
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*e >= v {
			return f * e
		}
	}
	return 10 * e
}

func fmtNum(v float64) string {
	switch {
	case v == math.Trunc(v) || v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2g", v)
	}
}
