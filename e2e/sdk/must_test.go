package sdk_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestEveryMustIsApplied: must(f()) only checks f's error once applied to
// the test, must(f())(t); one left unapplied would be a check that cannot
// fail, so every must call in this package is the function of a call.
func TestEveryMustIsApplied(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		applied := map[*ast.CallExpr]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if inner, ok := c.Fun.(*ast.CallExpr); ok {
					applied[inner] = true
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "must" {
				seen++
				if !applied[c] {
					t.Errorf("%s: must(...) is not applied to a test: write must(...)(t)", fset.Position(c.Pos()))
				}
			}
			return true
		})
	}
	if seen < 100 {
		t.Fatalf("found only %d must calls: the check is not reading this package", seen)
	}
}
