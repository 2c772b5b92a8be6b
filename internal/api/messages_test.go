package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const apiImportPath = "github.com/cognate-idp/cognate/internal/api"

// TestMessagesAreNamed keeps Cognito's error texts in messages.go: outside this
// package, the message given to api.Errorf or to an api.Error literal must be a
// named api.Msg* value, or the Message of an error already built (passed on).
// A string literal, a local constant or a concatenation fails the test, so the
// wording clients match on stays in one place.
func TestMessagesAreNamed(t *testing.T) {
	root := moduleRoot(t)
	self := filepath.Join(root, "internal", "api")
	var bad []string
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path == self || name == "testdata" || name == "vendor" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		bad = append(bad, unnamedMessages(t, root, path)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d Go files under %s: the walk is broken", files, root)
	}
	for _, b := range bad {
		t.Error(b)
	}
	if len(bad) > 0 {
		t.Errorf("%d error messages are not named values: add them to internal/api/messages.go", len(bad))
	}
}

// TestMessagesCheckCatches proves the check above can fail: each way of writing
// a message in place is reported, under any import name, and named or
// passed-on messages are not.
func TestMessagesCheckCatches(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.go": `package x

import "github.com/cognate-idp/cognate/internal/api"

const local = "Local words."

func f(err *api.Error, s string) {
	_ = api.Errorf(api.ErrInvalidParameter, "In place.") // bad
	_ = api.Errorf(api.ErrInvalidParameter, local) // bad
	_ = api.Errorf(api.ErrInvalidParameter, words.Disabled) // bad
	_ = api.Errorf(api.ErrInvalidParameter, api.MsgUserDisabled+s) // bad
	_ = api.Errorf(api.ErrInvalidParameter, fmt.Sprintf("%s", s)) // bad
	_ = &api.Error{Code: api.ErrInternal, Message: "In place."} // bad
	_ = api.Error{Code: api.ErrInternal, Message: local, Status: 500} // bad
	_ = api.Error{api.ErrInternal, "In place."} // bad
	_ = api.Error{api.ErrInternal, api.MsgInternal}
	_ = api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	_ = api.Errorf(api.ErrUserNotFound, api.MsgPoolNotFound, s)
	_ = &api.Error{Code: err.Code, Message: err.Message, Status: err.Status}
}
`,
		"b.go": `package x

import cog "github.com/cognate-idp/cognate/internal/api"

func g() error {
	return cog.Errorf(cog.ErrNotAuthorized, "User is disabled.") // bad
}
`,
		"c.go": `package x

import "other.example/api"

func h() error { return api.Errorf("X", "Not Cognate's api package.") }
`,
	}
	var want, got []string
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(src, "\n") {
			if strings.HasSuffix(line, "// bad") {
				want = append(want, name+":"+strconv.Itoa(i+1))
			}
		}
		for _, b := range unnamedMessages(t, dir, path) {
			got = append(got, b[:strings.Index(b, ": ")])
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
}

// unnamedMessages lists, for one file, each message given to api.Errorf or to
// an api.Error literal that is not an api.Msg* value or a passed-on Message.
func unnamedMessages(t *testing.T, root, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	pkg := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == apiImportPath {
			pkg = "api"
			if imp.Name != nil {
				pkg = imp.Name.Name
			}
		}
	}
	if pkg == "" || pkg == "_" {
		return nil
	}
	isAPI := func(e ast.Expr, name string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != name {
			return false
		}
		id, ok := sel.X.(*ast.Ident)
		return ok && id.Name == pkg
	}
	named := func(e ast.Expr) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == pkg {
			return strings.HasPrefix(sel.Sel.Name, "Msg")
		}
		return sel.Sel.Name == "Message" // an existing error's message, passed on
	}
	rel, _ := filepath.Rel(root, path)
	var bad []string
	report := func(e ast.Expr, what string) {
		pos := fset.Position(e.Pos())
		bad = append(bad, rel+":"+strconv.Itoa(pos.Line)+": "+what+" message is not an api.Msg* value")
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if isAPI(n.Fun, "Errorf") && len(n.Args) >= 2 && !named(n.Args[1]) {
				report(n.Args[1], "api.Errorf")
			}
		case *ast.CompositeLit:
			if !isAPI(n.Type, "Error") {
				return true
			}
			for i, el := range n.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					if i == 1 && !named(el) { // Code, Message, ...
						report(el, "api.Error")
					}
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" && !named(kv.Value) {
					report(kv.Value, "api.Error")
				}
			}
		}
		return true
	})
	return bad
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
