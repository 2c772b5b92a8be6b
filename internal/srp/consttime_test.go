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
// with math/big's Exp. Their memory accesses do not depend on secret values
// either: every index and slice bound is computed from constants, lengths,
// loop counters and the positions a function is given (secretIndexes), so
// a table read as table[d] with d taken from the exponent fails, as do
// replacing exp by big.Int.Exp or adding a branch on a limb or an exponent
// bit.
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
		"expG":  {"8*len(e) > combBits"},
		"digit": {"byteIdx < 0"},
	}
	// Parameters that carry positions, not secrets.
	public := map[string][]string{
		"digit": {"pos", "w"},
	}
	constantTime := []string{"montMul", "reduceOnce", "choose", "add", "sub", "subN", "isZero", "exp", "expG", "lookup", "toMont", "fromMont", "digit"}
	consts := constNames(files["modp.go"])
	found := map[string]bool{}
	ast.Inspect(files["modp.go"], func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || !has(constantTime, fn.Name.Name) {
			return true
		}
		found[fn.Name.Name] = true
		ti := newTaint(fn, consts, public[fn.Name.Name])
		for _, e := range ti.secretIndexes() {
			t.Errorf("%s: memory access indexed by a secret-derived value %s at %v", fn.Name.Name, text(e), fset.Position(e.Pos()))
		}
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
					if !strings.Contains(cond, "nLimbs") && !strings.Contains(cond, "len(") && !strings.Contains(cond, "combRows") && !ti.public(n.Cond) {
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

// constNames returns the names of the file's package-level constants.
func constNames(f *ast.File) map[string]bool {
	names := map[string]bool{"true": true, "false": true, "nil": true}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					names[n.Name] = true
				}
			}
		}
	}
	return names
}

// taint tells, inside one function, which expressions are public: computed
// only from constants, lengths, loop counters and the parameters declared
// public. Everything else is treated as secret: the other parameters, the
// receiver, every value read from memory (an index, a field, a pointer)
// and whatever is computed from them. Variables are told apart by name
// within the function, so a name is public only if every assignment to it,
// in any scope, is: a cautious approximation, never a lenient one.
type taint struct {
	fn     *ast.FuncDecl
	consts map[string]bool
	defs   map[string][]ast.Expr // nil entry: secret at its source
	pub    map[string]bool
	arrays map[string]bool // names holding slices or arrays, whose length is public
}

func newTaint(fn *ast.FuncDecl, consts map[string]bool, publicParams []string) *taint {
	ti := &taint{fn: fn, consts: consts, defs: map[string][]ast.Expr{}, pub: map[string]bool{}, arrays: map[string]bool{}}
	zero := &ast.BasicLit{Kind: token.INT, Value: "0"}
	secret := func(name string) { ti.defs[name] = append(ti.defs[name], nil) }
	params := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				if has(publicParams, n.Name) {
					ti.defs[n.Name] = append(ti.defs[n.Name], zero)
				} else {
					secret(n.Name)
				}
				if isArrayType(f.Type) {
					ti.arrays[n.Name] = true
				}
			}
		}
	}
	params(fn.Recv)
	params(fn.Type.Params)
	params(fn.Type.Results)
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				r := n.Rhs[0]
				if len(n.Rhs) == len(n.Lhs) {
					r = n.Rhs[i]
				}
				ti.defs[id.Name] = append(ti.defs[id.Name], r)
				if _, ok := r.(*ast.SliceExpr); ok {
					ti.arrays[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				switch {
				case len(n.Values) == len(n.Names):
					ti.defs[id.Name] = append(ti.defs[id.Name], n.Values[i])
				case len(n.Values) > 0:
					ti.defs[id.Name] = append(ti.defs[id.Name], n.Values[0])
				default:
					ti.defs[id.Name] = append(ti.defs[id.Name], zero)
				}
				if n.Type != nil && isArrayType(n.Type) {
					ti.arrays[id.Name] = true
				}
			}
		case *ast.RangeStmt:
			// The key counts positions: public when the length is, that is
			// for a slice or array, or a public integer. The value is what
			// is stored there.
			if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
				if x, ok := n.X.(*ast.Ident); ok && ti.arrays[x.Name] {
					ti.defs[id.Name] = append(ti.defs[id.Name], zero)
				} else {
					ti.defs[id.Name] = append(ti.defs[id.Name], n.X)
				}
			}
			if id, ok := n.Value.(*ast.Ident); ok && id.Name != "_" {
				ti.defs[id.Name] = append(ti.defs[id.Name], n.X)
			}
		}
		return true
	})
	for name := range ti.defs {
		ti.pub[name] = true
	}
	for changed := true; changed; {
		changed = false
		for name, defs := range ti.defs {
			if !ti.pub[name] {
				continue
			}
			for _, d := range defs {
				if d == nil || !ti.public(d) {
					ti.pub[name], changed = false, true
					break
				}
			}
		}
	}
	return ti
}

func isArrayType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ArrayType:
		return true
	case *ast.Ident:
		return e.Name == "elem"
	case *ast.StarExpr:
		return isArrayType(e.X)
	}
	return false
}

// public reports whether e is computed from public values only.
func (ti *taint) public(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		if p, ok := ti.pub[e.Name]; ok {
			return p
		}
		return ti.consts[e.Name]
	case *ast.ParenExpr:
		return ti.public(e.X)
	case *ast.UnaryExpr:
		return ti.public(e.X)
	case *ast.BinaryExpr:
		return ti.public(e.X) && ti.public(e.Y)
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if !ti.public(el) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") {
			return true
		}
		// A conversion, a builtin or a package function (math/bits) of
		// public values; never a method, whose receiver holds data.
		switch f := e.Fun.(type) {
		case *ast.Ident:
		case *ast.SelectorExpr:
			if pkg, ok := f.X.(*ast.Ident); !ok || pkg.Name != "bits" {
				return false
			}
		default:
			return false
		}
		for _, a := range e.Args {
			if !ti.public(a) {
				return false
			}
		}
		return true
	}
	return false // memory reads: index, slice, field, pointer
}

// secretIndexes returns the index and slice-bound expressions of the
// function that are not public.
func (ti *taint) secretIndexes() []ast.Expr {
	var out []ast.Expr
	check := func(e ast.Expr) {
		if e != nil && !ti.public(e) {
			out = append(out, e)
		}
	}
	ast.Inspect(ti.fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IndexExpr:
			check(n.Index)
		case *ast.SliceExpr:
			check(n.Low)
			check(n.High)
			check(n.Max)
		}
		return true
	})
	return out
}
