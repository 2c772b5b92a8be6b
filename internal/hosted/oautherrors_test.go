package hosted

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// oauthErrorArgs names the functions that answer an OAuth error and the
// positions of their code and description arguments.
var oauthErrorArgs = map[string][]int{
	"tokenError":         {2, 3},
	"redirectError":      {4, 5},
	"implicitAwareError": {4, 5},
	"fail":               {0, 1}, // checkRequest's closure over implicitAwareError
}

// TestOAuthErrorsAreNamed keeps the OAuth endpoints' error codes and
// descriptions in oautherrors.go: no string literal may appear in the code or
// description given to the functions that answer an OAuth error, nor in an
// "error" or "error_description" member written out directly.
func TestOAuthErrorsAreNamed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		b, n := literalOAuthErrors(t, path, nil)
		bad = append(bad, b...)
		checked += n
	}
	if checked < 30 {
		t.Fatalf("checked only %d OAuth error arguments: the check no longer finds them", checked)
	}
	for _, b := range bad {
		t.Error(b)
	}
}

// TestOAuthErrorsCheckCatches proves the check above can fail.
func TestOAuthErrorsCheckCatches(t *testing.T) {
	src := `package hosted

func f(w http.ResponseWriter, s string) {
	tokenError(w, 400, "invalid_request", descFormRequired) // bad
	tokenError(w, 400, oauthInvalidScope, "The scope "+s+" is bad.") // bad
	fail(oauthInvalidRequest, "In place.") // bad
	writeJSON(w, 401, map[string]string{"error": oauthInvalidToken, "error_description": "In place."}) // bad
	tokenError(w, 400, oauthInvalidScope, fmt.Sprintf(descNotCustomScope, s))
	redirectError(w, r, u, st, oauthInvalidRequest, e.Message)
}
`
	var want []int
	for i, line := range strings.Split(src, "\n") {
		if strings.HasSuffix(line, "// bad") {
			want = append(want, i+1)
		}
	}
	bad, _ := literalOAuthErrors(t, "x.go", []byte(src))
	var got []int
	for _, b := range bad {
		line, _ := strconv.Atoi(strings.Split(b, ":")[1])
		got = append(got, line)
	}
	if !slices.Equal(got, want) {
		t.Errorf("reported lines %v, want %v", got, want)
	}
}

// literalOAuthErrors reports the OAuth error codes and descriptions written
// as string literals in one file (src, when given, instead of the file), and
// how many such arguments it checked.
func literalOAuthErrors(t *testing.T, path string, src []byte) (bad []string, checked int) {
	t.Helper()
	fset := token.NewFileSet()
	var f *ast.File
	var err error
	if src != nil {
		f, err = parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	} else {
		f, err = parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	}
	if err != nil {
		t.Fatal(err)
	}
	check := func(e ast.Expr) {
		checked++
		var found *ast.BasicLit
		ast.Inspect(e, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && found == nil {
				found = lit
			}
			return found == nil
		})
		if found != nil {
			bad = append(bad, path+":"+strconv.Itoa(fset.Position(found.Pos()).Line)+": "+found.Value+" is not a named OAuth code or description (oautherrors.go)")
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			id, ok := n.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			for _, i := range oauthErrorArgs[id.Name] {
				if i < len(n.Args) {
					check(n.Args[i])
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.BasicLit); ok && (k.Value == `"error"` || k.Value == `"error_description"`) {
				check(n.Value)
			}
		}
		return true
	})
	return bad, checked
}
