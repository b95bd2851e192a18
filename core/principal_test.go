package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// No exported method of the core reads credentials from the context:
// callers reach the core with an explicit Principal. Nothing in the
// package's code (exported or not, so nothing an exported method could
// call either) reads or stores a context value, nor returns Credentials
// from a context.
func TestCoreReadsNoCredentialsFromTheContext(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, problem := range contextReads(fset, f) {
			t.Error(problem)
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files of the core; run the test in its directory", checked)
	}
}

// contextReads catches what the core once did: an exported method that
// authenticates through a helper reading the credentials of its context.
func TestContextReadsCatchesCredentialsInTheContext(t *testing.T) {
	const src = `package core
func (s *Service) ViewUser(ctx context.Context, userID string) (User, error) {
	p, err := s.authenticate(ctx)
	return p.User, err
}
func (s *Service) authenticate(ctx context.Context) (Principal, error) {
	creds, _ := CredentialsFrom(ctx)
	return s.resolve(creds)
}
func CredentialsFrom(ctx context.Context) (Credentials, bool) {
	c, ok := ctx.Value(credentialsKey{}).(Credentials)
	return c, ok
}
func WithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "old.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := contextReads(fset, f)
	for _, want := range []string{"old.go:7:14: calls CredentialsFrom", "old.go:10:1: CredentialsFrom returns Credentials from a context",
		"old.go:11:11: reads a context value", "old.go:15:9: stores a context value"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("missed %q; found %q", want, got)
		}
	}
}

// contextReads lists the places of f that read or store context values,
// call a credentials accessor, or declare one (a function that takes a
// context and returns Credentials).
func contextReads(fset *token.FileSet, f *ast.File) []string {
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if takes(n.Type.Params, "context.Context") && takes(n.Type.Results, "Credentials") {
				out = append(out, fset.Position(n.Pos()).String()+": "+n.Name.Name+" returns Credentials from a context")
			}
		case *ast.CallExpr:
			switch name := calledName(n.Fun); {
			case name == "Value" && len(n.Args) == 1:
				out = append(out, fset.Position(n.Pos()).String()+": reads a context value")
			case name == "WithValue":
				out = append(out, fset.Position(n.Pos()).String()+": stores a context value")
			case strings.HasPrefix(name, "CredentialsFrom"):
				out = append(out, fset.Position(n.Pos()).String()+": calls "+name)
			}
		}
		return true
	})
	return out
}

// takes reports whether fields hold a value of the type named name
// (context.Context, Credentials).
func takes(fields *ast.FieldList, name string) bool {
	if fields == nil {
		return false
	}
	for _, f := range fields.List {
		if typeName(f.Type) == name {
			return true
		}
	}
	return false
}

// typeName renders a named type expression (T, *T, pkg.T) without its star.
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.SelectorExpr:
		return typeName(e.X) + "." + e.Sel.Name
	}
	return ""
}

// calledName returns the name of the function a call calls: f in f(),
// x.f() and pkg.f().
func calledName(fun ast.Expr) string {
	switch fun := fun.(type) {
	case *ast.Ident:
		return fun.Name
	case *ast.SelectorExpr:
		return fun.Sel.Name
	}
	return ""
}
