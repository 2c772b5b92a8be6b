package sdk_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/httpapi"
)

// settingsOperations are the operations whose members the README's
// settings table must cover.
var settingsOperations = []string{"CreateUserPool", "UpdateUserPool", "CreateUserPoolClient", "UpdateUserPoolClient"}

// TestSettingsTable: every member of CreateUserPool, UpdateUserPool,
// CreateUserPoolClient and UpdateUserPoolClient that Cognate accepts has a
// row in the README's "Settings: what each one does", which either names
// the tests showing its effect (and they exist) or says "Stored only" with
// the reason; and the table names no member Cognate does not accept.
func TestSettingsTable(t *testing.T) {
	m := loadModel(t)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Settings: what each one does\n")
	if !ok {
		t.Fatal(`README.md has no "## Settings: what each one does" section`)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	tests := testNames(t)
	rowPattern := regexp.MustCompile("^\\| `([A-Za-z]+)` \\| (.+) \\| (.+) \\|$")
	rows := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		g := rowPattern.FindStringSubmatch(line)
		if g == nil {
			t.Errorf("settings row not in the form | `Member` | effect | tests |: %s", line)
			continue
		}
		member, effect, shown := g[1], strings.TrimSpace(g[2]), strings.TrimSpace(g[3])
		if rows[member] {
			t.Errorf("%s has two rows", member)
		}
		rows[member] = true
		if after, stored := strings.CutPrefix(effect, "Stored only"); stored {
			if len(strings.Fields(after)) < 4 {
				t.Errorf("%s is stored only without a reason: %q", member, effect)
			}
			continue
		}
		if shown == "—" {
			t.Errorf("%s has an effect but no test showing it", member)
			continue
		}
		for _, name := range strings.Split(shown, ",") {
			name = strings.Trim(strings.TrimSpace(name), "`")
			if !tests[name] {
				t.Errorf("%s: the table names %s, which is no test", member, name)
			}
		}
	}

	// The members Cognate accepts: in the model's request and in the Go
	// shape the operation decodes.
	shapes := httpapi.Shapes()
	accepted := map[string][]string{}
	for _, op := range settingsOperations {
		fields := wireFields(shapes[op].In)
		for name := range m.Shapes[m.Operations[op].Input.Shape].Members {
			if _, ok := fields[name]; ok && name != "UserPoolId" && name != "ClientId" {
				accepted[name] = append(accepted[name], op)
			}
		}
	}
	var missing []string
	for name, ops := range accepted {
		if !rows[name] {
			missing = append(missing, name+" ("+strings.Join(ops, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, s := range missing {
		t.Errorf("the settings table has no row for %s", s)
	}
	for name := range rows {
		if _, ok := accepted[name]; !ok && !inModelRequests(m, name) {
			t.Errorf("the settings table has a row for %s, which none of %v takes", name, settingsOperations)
		}
	}
	t.Logf("%d members accepted, %d rows", len(accepted), len(rows))
}

// inModelRequests reports whether one of the settings operations' model
// requests has the member (a row may describe a member the model has and
// Cognate is about to accept on another branch, such as UpdateUserPool's
// PoolName, already accepted by CreateUserPool).
func inModelRequests(m *cognitoModel, name string) bool {
	for _, op := range settingsOperations {
		if _, ok := m.Shapes[m.Operations[op].Input.Shape].Members[name]; ok {
			return true
		}
	}
	return false
}

// testNames lists the test functions of the end-to-end suites.
func testNames(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*", "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	out := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range re.FindAllStringSubmatch(string(b), -1) {
			out[g[1]] = true
		}
	}
	if len(out) == 0 {
		t.Fatal("found no tests to check the table against")
	}
	return out
}
