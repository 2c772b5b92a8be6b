package sdk_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/httpapi"
)

// modelDeviations are the known differences between Cognate's shapes and
// Cognito's model, each with its reason. The conformance test fails on a
// difference not listed here, and on an entry here that no longer
// happens, so the list stays exact. Keys are "Shape.Member: finding".
var modelDeviations = func() map[string]string {
	m := map[string]string{}
	add := func(finding, reason string, where ...string) {
		for _, w := range where {
			m[w+": "+finding] = reason
		}
	}
	add("not in the model", "answer shape shared with InitiateAuth, the only operation that sets it (USER_AUTH)",
		"RespondToAuthChallengeResponse.AvailableChallenges", "AdminRespondToAuthChallengeResponse.AvailableChallenges")
	// The model sets no upper bound on pagination tokens; Cognate caps them
	// at 128 KiB, far above any token it issues, so that a request cannot
	// make it decode megabytes.
	add("length bounds 1:131072 where the model has 1:-1", "pagination tokens capped at 131072 characters",
		"AdminListDevicesRequest.PaginationToken", "ListDevicesRequest.PaginationToken", "ListResourceServersRequest.NextToken",
		"ListUserPoolsRequest.NextToken", "ListUsersRequest.PaginationToken", "ListUserImportJobsRequest.PaginationToken")
	return m
}()

// TestModelConformance holds every operation of Cognate's operation table
// to the cognito-idp model that ships with botocore: the members Cognate
// reads and returns exist in the model with the same type; the model's
// enums and length and range bounds are the ones Cognate enforces; a
// request without its required members is refused in AWS's words, naming
// each; every value of a top-level enum is accepted; and every member the
// model marks required in an answer is always sent.
func TestModelConformance(t *testing.T) {
	m := loadModel(t)
	e := newEnv(t)
	c := &conformance{m: m, found: map[string]bool{}, seen: map[string]bool{}}
	shapes := httpapi.Shapes()
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		names = append(names, name)
	}
	sort.Strings(names)
	signed := httpapi.Operations()
	requests := 0
	for _, op := range names {
		mo, ok := m.Operations[op]
		if !ok {
			t.Errorf("%s is served but is not an operation of the model", op)
			continue
		}
		sh := shapes[op]
		if mo.Input != nil {
			c.compare(sh.In, mo.Input.Shape, true)
		}
		if mo.Output != nil {
			c.compare(sh.Out, mo.Output.Shape, false)
		}

		// Required members, through the front door: a request without
		// any is refused with one "Value null" line for each.
		var s *signing
		if signed[op] {
			s = &signing{keyID: e.srv.AccessKeyID, secret: e.srv.SecretAccessKey}
		}
		if mo.Input != nil && len(m.Shapes[mo.Input.Shape].Required) > 0 {
			req := m.Shapes[mo.Input.Shape].Required
			a := e.post(op, "{}", s)
			requests++
			msg, _ := a.body["message"].(string)
			noun := "errors"
			if len(req) == 1 {
				noun = "error"
			}
			for _, r := range req {
				want := fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(r))
				if a.code() != "InvalidParameterException" || !strings.Contains(msg, want) {
					c.deviate(op, r, fmt.Sprintf("required member not refused in AWS's words when missing (got %s %q)", a.code(), msg))
				}
			}
			if a.code() == "InvalidParameterException" && !strings.HasPrefix(msg, fmt.Sprintf("%d validation %s detected: ", len(req), noun)) {
				c.deviate(op, "*", fmt.Sprintf("a request without its %d required members is not counted as AWS counts it (got %q)", len(req), msg))
			}
		}

		// Every value of a top-level enum member is accepted.
		if mo.Input != nil {
			in := m.Shapes[mo.Input.Shape]
			fields := wireFields(sh.In)
			members := make([]string, 0, len(in.Members))
			for name := range in.Members {
				members = append(members, name)
			}
			sort.Strings(members)
			for _, name := range members {
				if _, ok := fields[name]; !ok {
					continue
				}
				ms := m.Shapes[in.Members[name].Shape]
				enum, list := ms.Enum, false
				if ms.Type == "list" {
					enum, list = m.Shapes[ms.Member.Shape].Enum, true
				}
				for _, v := range enum {
					var val any = v
					if list {
						val = []string{v}
					}
					body, _ := json.Marshal(map[string]any{name: val})
					a := e.post(op, string(body), s)
					requests++
					if msg, _ := a.body["message"].(string); strings.Contains(msg, "at '"+lowerFirst(name)+"'") {
						c.deviate(op, name, fmt.Sprintf("the model's value %s is refused (%s)", v, msg))
					}
				}
			}
		}
	}

	// Members the model marks required in Cognate's answers, and the
	// summary.
	var got []string
	for k := range c.found {
		got = append(got, k)
	}
	sort.Strings(got)
	unexpected := 0
	for _, k := range got {
		if _, ok := modelDeviations[k]; !ok {
			t.Errorf("deviation from the model: %s", k)
			unexpected++
		}
	}
	var stale []string
	for k := range modelDeviations {
		if !c.found[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	for _, k := range stale {
		t.Errorf("allowlisted deviation no longer happens (remove it): %s", k)
	}
	t.Logf("botocore %s: %d operations, %d shapes compared, %d requests sent; %d deviations found, %d allowlisted, %d not allowlisted",
		modelVersion, len(names), len(c.seen), requests, len(got), len(got)-unexpected, unexpected)
}

// conformance compares Go shapes with model shapes.
type conformance struct {
	m     *cognitoModel
	found map[string]bool // deviation keys
	seen  map[string]bool // "GoType|Shape|dir" compared already
}

func (c *conformance) deviate(shape, member, finding string) {
	c.found[shape+"."+member+": "+finding] = true
}

var (
	timeType = reflect.TypeOf(api.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// compare walks Go type t against model shape name; input says whether t
// is read from requests (its `v` tags are then held to the model's
// constraints) or written in answers.
func (c *conformance) compare(t reflect.Type, name string, input bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	key := fmt.Sprintf("%v|%s|%v", t, name, input)
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	ms := c.m.Shapes[name]
	if ms.Type != "structure" || t.Kind() != reflect.Struct {
		return
	}
	fields := wireFields(t)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := fields[n]
		mm, ok := ms.Members[n]
		if !ok {
			c.deviate(name, n, "not in the model")
			continue
		}
		c.member(name, n, f, mm.Shape, input)
	}
	if !input {
		for _, r := range ms.Required {
			f, ok := fields[r]
			switch {
			case !ok:
				c.deviate(name, r, "required in the model's answer, never sent")
			case strings.Contains(f.Tag.Get("json"), "omitempty"):
				c.deviate(name, r, "required in the model's answer, left out when empty")
			}
		}
	}
}

// member compares one member's Go type and tags with its model shape.
func (c *conformance) member(parent, name string, f reflect.StructField, shape string, input bool) {
	ms := c.m.Shapes[shape]
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := map[string][]reflect.Kind{
		"string": {reflect.String}, "boolean": {reflect.Bool}, "integer": {reflect.Int32, reflect.Int64, reflect.Int},
		"long": {reflect.Int64}, "double": {reflect.Float64}, "float": {reflect.Float32, reflect.Float64},
		"list": {reflect.Slice}, "map": {reflect.Map}, "structure": {reflect.Struct}, "timestamp": {reflect.Struct},
		"blob": {reflect.Slice, reflect.String},
	}[ms.Type]
	switch {
	case t == rawType:
		// Kept as given; when it is a request member with constraints, its
		// shadow type in package api carries them.
		if ms.Type != "structure" && ms.Type != "map" && ms.Type != "document" {
			c.deviate(parent, name, "raw JSON for a "+ms.Type)
		}
		if shadow, ok := api.NestedShapes[shape]; ok && input {
			c.compare(reflect.TypeOf(shadow), shape, true)
		} else if input && hasConstraints(c.m, shape, map[string]bool{}) {
			c.deviate(parent, name, "kept as raw JSON, its constraints unchecked")
		}
		return
	case t == timeType:
		if ms.Type != "timestamp" {
			c.deviate(parent, name, "a timestamp where the model has "+ms.Type)
		}
		return
	case !slices.Contains(want, t.Kind()):
		c.deviate(parent, name, fmt.Sprintf("Go %v where the model has %s", t, ms.Type))
		return
	}
	if input {
		c.constraints(parent, name, f, ms)
	}
	switch ms.Type {
	case "structure":
		c.compare(t, shape, input)
	case "list":
		el := c.m.Shapes[ms.Member.Shape]
		et := t.Elem()
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		if el.Type == "structure" {
			c.compare(et, ms.Member.Shape, input)
		} else if input {
			c.enum(parent, name, f, el.Enum)
		}
	case "map":
		vt := t.Elem()
		for vt.Kind() == reflect.Pointer {
			vt = vt.Elem()
		}
		if c.m.Shapes[ms.Value.Shape].Type == "structure" {
			c.compare(vt, ms.Value.Shape, input)
		}
	}
}

// hasConstraints reports whether a shape, or one inside it, has an enum,
// a bound or a required member.
func hasConstraints(m *cognitoModel, shape string, seen map[string]bool) bool {
	if seen[shape] {
		return false
	}
	seen[shape] = true
	ms := m.Shapes[shape]
	if len(ms.Enum) > 0 || len(ms.Required) > 0 || (ms.Type != "structure" && (ms.Min != nil || ms.Max != nil)) {
		return true
	}
	switch ms.Type {
	case "structure":
		for _, mm := range ms.Members {
			if hasConstraints(m, mm.Shape, seen) {
				return true
			}
		}
	case "list":
		return hasConstraints(m, ms.Member.Shape, seen)
	case "map":
		return hasConstraints(m, ms.Value.Shape, seen)
	}
	return false
}

// vtag is a field's `v` tag, parsed.
type vtag struct {
	req          bool
	enum         []string
	lenLo, lenHi string
	rngLo, rngHi string
}

func parseVTag(f reflect.StructField) vtag {
	var v vtag
	for _, part := range strings.Split(f.Tag.Get("v"), ",") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "req":
			v.req = true
		case "enum":
			v.enum = strings.Split(val, "|")
		case "len":
			v.lenLo, v.lenHi, _ = strings.Cut(val, ":")
		case "range":
			v.rngLo, v.rngHi, _ = strings.Cut(val, ":")
		}
	}
	return v
}

func bound(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(int64(*p), 10)
}

// constraints holds a request member's tag to the model's enum and bounds.
func (c *conformance) constraints(parent, name string, f reflect.StructField, ms *modelShape) {
	v := parseVTag(f)
	lo, hi := bound(ms.Min), bound(ms.Max)
	switch ms.Type {
	case "string", "list", "map":
		if ms.Type == "string" {
			c.enum(parent, name, f, ms.Enum)
		}
		if lo == "" && hi == "" {
			return
		}
		if lo == "" {
			lo = "0"
		}
		if hi == "" {
			hi = "-1"
		}
		switch {
		case v.lenLo == "" && v.lenHi == "":
			c.deviate(parent, name, fmt.Sprintf("length bounds %s:%s not checked", lo, hi))
		case v.lenLo != lo || v.lenHi != hi:
			c.deviate(parent, name, fmt.Sprintf("length bounds %s:%s where the model has %s:%s", v.lenLo, v.lenHi, lo, hi))
		}
	case "integer", "long":
		if lo == "" && hi == "" {
			return
		}
		// No upper bound in the model: the type's own.
		if hi == "" && ms.Type == "integer" {
			hi = strconv.Itoa(math.MaxInt32)
		}
		switch {
		case v.rngLo == "" && v.rngHi == "":
			c.deviate(parent, name, fmt.Sprintf("range %s:%s not checked", lo, hi))
		case v.rngLo != lo || v.rngHi != hi:
			c.deviate(parent, name, fmt.Sprintf("range %s:%s where the model has %s:%s", v.rngLo, v.rngHi, lo, hi))
		}
	}
}

// enum holds a member's enum tag to the model's values: every model value
// must be accepted, and a value outside them refused.
func (c *conformance) enum(parent, name string, f reflect.StructField, model []string) {
	if len(model) == 0 {
		return
	}
	v := parseVTag(f)
	if v.enum == nil {
		c.deviate(parent, name, "enum not checked")
		return
	}
	var missing, extra []string
	for _, x := range model {
		if !slices.Contains(v.enum, x) {
			missing = append(missing, x)
		}
	}
	for _, x := range v.enum {
		if !slices.Contains(model, x) {
			extra = append(extra, x)
		}
	}
	if len(missing) > 0 {
		c.deviate(parent, name, "enum refuses the model's "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		c.deviate(parent, name, "enum accepts values the model lacks: "+strings.Join(extra, ", "))
	}
}

// lowerFirst is how AWS names a member in validation messages.
func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }
