package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Patterns from Cognito's model, by the short names used in `v` tags.
var patterns = map[string]string{
	"poolid":     `[\w-]+_[0-9a-zA-Z]+`,
	"clientid":   `[\w+]+`,
	"username":   `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`,
	"poolname":   `[\w\s+=,.@-]+`,
	"clientname": `[\w\s+=,.@-]+`,
	"token":      `[A-Za-z0-9-_=.]+`,
	"digits":     `[0-9]+`,
	"nospace":    `[\S]+`,
	"devicekey":  `[\w-]+_[0-9a-f-]+`,
	"importjob":  `import-[0-9a-zA-Z-]+`,
	"arn":        `arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`,
	// Resource servers: printable ASCII without '"' and '\'; scope names
	// also without '/', which joins them to the identifier.
	"resourceserver": `[\x21\x23-\x5B\x5D-\x7E]+`,
	"scopename":      `[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+`,
	// Identity providers: a new provider's name (ProviderNameTypeV2), an
	// existing one's (ProviderNameType), an IdP identifier.
	"providernamev2": `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`,
	"providername":   `[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+`,
	"idpidentifier":  `[\w\s+=.@-]+`,
	"eventid":        `[\w+-]+`,
	"s3arn":          `arn:[\w+=/,.@-]+:[\w+=/,.@-]+:::[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`,
	"resourceid":     `^[\w\- ]+$`,
	"termsname":      `^(terms-of-use|privacy-policy)$`,
	// MFA messages (SmsMfaConfigType, EmailMfaConfigType): the code's
	// placeholder is required.
	"smsmfamessage":   `.*\{####\}.*`,
	"emailmfamessage": `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`,
	"emailmfasubject": `[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`,
	"uuid4":           `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`,
}

var compiled = func() map[string]*regexp.Regexp {
	m := make(map[string]*regexp.Regexp, len(patterns))
	for k, p := range patterns {
		m[k] = regexp.MustCompile(`^(?:` + p + `)$`)
	}
	return m
}()

type rule struct {
	required      bool
	minLen        int
	maxLen        int // -1: none
	minVal        int64
	maxVal        int64
	hasRange      bool
	enum          []string
	pattern       string
	hasLen        bool
	emptyOK       bool
	fieldName     string
	goName        string
	fieldIndex    []int
	isStructField bool
}

var rulesCache sync.Map // reflect.Type -> []rule

// Validate checks v (a pointer to a request shape) against its `v` tags and
// returns an InvalidParameterException that names every offending member, in
// the form AWS services use ("1 validation error detected: ...").
func Validate(v any) error {
	p := &problems{}
	walk(reflect.ValueOf(v), "", p)
	if p.err != nil {
		return p.err
	}
	if len(p.list) == 0 {
		return nil
	}
	noun := "error"
	if len(p.list) > 1 {
		noun = "errors"
	}
	return &Error{Code: ErrInvalidParameter, Message: fmt.Sprintf("%d validation %s detected: %s", len(p.list), noun, strings.Join(p.list, "; "))}
}

// problems gathers what a walk finds.
type problems struct {
	list []string
	err  error // a raw member that does not decode into its shape
}

var rawMessageType = reflect.TypeOf(json.RawMessage{})

func walk(v reflect.Value, path string, p *problems) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), fmt.Sprintf("%s.%d.member", path, i+1), p)
		}
		return
	default:
		return
	}
	for _, r := range rulesFor(v.Type()) {
		f := v.FieldByIndex(r.fieldIndex)
		name := r.fieldName
		if path != "" {
			name = path + "." + name
		}
		check(f, r, name, &p.list)
		if r.isStructField {
			walk(f, name, p)
		}
		if f.Type() == rawMessageType {
			checkRaw(f.Interface().(json.RawMessage), r.goName, name, p)
		}
	}
}

func rulesFor(t reflect.Type) []rule {
	if rs, ok := rulesCache.Load(t); ok {
		return rs.([]rule)
	}
	var rs []rule
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		r := parseRule(f.Tag.Get("v"))
		r.fieldName = lowerFirst(f.Name)
		r.goName = f.Name
		r.fieldIndex = f.Index
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		r.isStructField = (ft.Kind() == reflect.Struct && ft != reflect.TypeOf(Time{})) ||
			(ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct)
		rs = append(rs, r)
	}
	rulesCache.Store(t, rs)
	return rs
}

func parseRule(tag string) rule {
	r := rule{maxLen: -1}
	for _, part := range strings.Split(tag, ",") {
		key, val, _ := strings.Cut(part, "=")
		switch key {
		case "req":
			r.required = true
		case "reqlist":
			// Required, but an empty list is a value (AWS refuses only a
			// list that is not sent).
			r.required, r.emptyOK = true, true
		case "len":
			lo, hi, _ := strings.Cut(val, ":")
			r.minLen, _ = strconv.Atoi(lo)
			r.maxLen, _ = strconv.Atoi(hi)
			r.hasLen = true
		case "range":
			lo, hi, _ := strings.Cut(val, ":")
			r.minVal, _ = strconv.ParseInt(lo, 10, 64)
			r.maxVal, _ = strconv.ParseInt(hi, 10, 64)
			r.hasRange = true
		case "enum":
			r.enum = strings.Split(val, "|")
		case "pat":
			if _, ok := compiled[val]; !ok {
				panic("api: unknown pattern " + val)
			}
			r.pattern = val
		}
	}
	return r
}

func check(f reflect.Value, r rule, name string, problems *[]string) {
	add := func(constraint string) {
		*problems = append(*problems, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", name, constraint))
	}
	// AWS names a missing member's value: "Value null at 'x'".
	null := func() {
		*problems = append(*problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", name))
	}
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			if r.required {
				null()
			}
			return
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		s := f.String()
		if s == "" {
			if r.required {
				null()
			}
			return
		}
		n := utf8.RuneCountInString(s)
		if r.hasLen && n < r.minLen {
			add(fmt.Sprintf("Member must have length greater than or equal to %d", r.minLen))
		} else if r.hasLen && r.maxLen >= 0 && n > r.maxLen {
			add(fmt.Sprintf("Member must have length less than or equal to %d", r.maxLen))
		}
		if r.pattern != "" && !compiled[r.pattern].MatchString(s) {
			add("Member must satisfy regular expression pattern: " + patterns[r.pattern])
		}
		if r.enum != nil && !contains(r.enum, s) {
			add("Member must satisfy enum value set: [" + strings.Join(r.enum, ", ") + "]")
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		if r.hasRange && (f.Int() < r.minVal || f.Int() > r.maxVal) {
			if f.Int() < r.minVal {
				add(fmt.Sprintf("Member must have value greater than or equal to %d", r.minVal))
			} else {
				add(fmt.Sprintf("Member must have value less than or equal to %d", r.maxVal))
			}
		}
	case reflect.Slice, reflect.Map:
		if f.Len() == 0 && r.required && !(r.emptyOK && !f.IsNil()) {
			null()
			return
		}
		if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String && r.enum != nil {
			for i := 0; i < f.Len(); i++ {
				if !contains(r.enum, f.Index(i).String()) {
					add("Member must satisfy constraint: [Member must satisfy enum value set: [" + strings.Join(r.enum, ", ") + "]]")
					break
				}
			}
		}
		// A list sent empty is checked against its minimum; one not sent
		// is not.
		if r.hasLen && r.maxLen >= 0 && f.Len() > r.maxLen {
			add(fmt.Sprintf("Member must have length less than or equal to %d", r.maxLen))
		} else if r.hasLen && !f.IsNil() && f.Len() < r.minLen {
			add(fmt.Sprintf("Member must have length greater than or equal to %d", r.minLen))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Cognito's model names such as "SMSMfaSettings" lower only the first rune.
	return strings.ToLower(s[:1]) + s[1:]
}
