package srp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestConstantTimeStructure reads the source of the Montgomery arithmetic
// and checks the property a timing test could not show on a shared machine:
// the sequence of operations in an exponentiation depends on the lengths of
// its inputs, never on their values. The functions that handle secret
// exponents and the verifier have no branch (if, switch, select, && or ||)
// besides the ones listed here, which look at lengths and positions only;
// they call nothing from math/big; and the server computes with them, not
// with math/big's Exp. Replacing exp by big.Int.Exp, or adding a branch on
// a limb or an exponent bit, fails this test.
func TestConstantTimeStructure(t *testing.T) {
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	sources := map[string][]byte{}
	for _, name := range []string{"modp.go", "server.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, b, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name], sources[name] = f, b
	}
	text := func(e ast.Expr) string {
		return string(sources["modp.go"][fset.Position(e.Pos()).Offset:fset.Position(e.End()).Offset])
	}
	// Branches allowed, by their condition, in each function.
	allowed := map[string][]string{
		"expG": {"8*len(e) > combBits"},
	}
	constantTime := []string{"montMul", "reduceOnce", "choose", "add", "sub", "subN", "isZero", "exp", "expG", "lookup", "toMont", "fromMont"}
	found := map[string]bool{}
	ast.Inspect(files["modp.go"], func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || !has(constantTime, fn.Name.Name) {
			return true
		}
		found[fn.Name.Name] = true
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IfStmt:
				cond := text(n.Cond)
				if !has(allowed[fn.Name.Name], cond) {
					t.Errorf("%s: branch on %s at %v", fn.Name.Name, cond, fset.Position(n.Pos()))
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				t.Errorf("%s: switch at %v", fn.Name.Name, fset.Position(n.Pos()))
			case *ast.BinaryExpr:
				if n.Op == token.LAND || n.Op == token.LOR {
					t.Errorf("%s: short-circuit %s at %v", fn.Name.Name, n.Op, fset.Position(n.Pos()))
				}
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "big" {
					t.Errorf("%s: uses math/big (big.%s) at %v", fn.Name.Name, n.Sel.Name, fset.Position(n.Pos()))
				}
			case *ast.ForStmt:
				if n.Cond != nil {
					cond := text(n.Cond)
					if !strings.Contains(cond, "nLimbs") && !strings.Contains(cond, "len(") && !strings.Contains(cond, "combRows") {
						t.Errorf("%s: loop bound %s at %v", fn.Name.Name, cond, fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
		return true
	})
	for _, name := range constantTime {
		if !found[name] {
			t.Errorf("%s not found in modp.go: update this test with the code", name)
		}
	}

	// The server's exponentiations are exp and expG, never big.Int.Exp.
	calls := map[string]map[string]bool{}
	ast.Inspect(files["server.go"], func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok {
			return true
		}
		calls[fn.Name.Name] = map[string]bool{}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
					calls[fn.Name.Name][sel.Sel.Name] = true
				}
			}
			return true
		})
		return true
	})
	for fn, names := range calls {
		if names["Exp"] || names["ModInverse"] {
			t.Errorf("server.go %s calls math/big's Exp or ModInverse", fn)
		}
	}
	if !calls["premaster"]["exp"] || !calls["newServer"]["expG"] {
		t.Error("the server no longer computes S with exp and B with expG")
	}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
