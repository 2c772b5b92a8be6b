package sdk_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/httpapi"
)

// TestReadmeOperationCount: the README's "Cognate has N of the model's M
// operations" is the operation table's size and the model's, and its list
// of what is missing names every operation of the model that Cognate does
// not serve, and none that it does.
func TestReadmeOperationCount(t *testing.T) {
	m := loadModel(t)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	found := regexp.MustCompile(`Cognate has (\d+) of the model's (\d+) operations[^\n]*Missing:`).FindStringSubmatchIndex(text)
	if found == nil {
		t.Fatal(`README.md has no "Cognate has N of the model's M operations ... Missing:"`)
	}
	have, _ := strconv.Atoi(text[found[2]:found[3]])
	total, _ := strconv.Atoi(text[found[4]:found[5]])
	served := httpapi.Operations()
	if have != len(served) || total != len(m.Operations) {
		t.Errorf("README says %d of %d operations; the table has %d, the model %d", have, total, len(served), len(m.Operations))
	}
	// The missing list is the paragraph after "Missing:", each name
	// spelled out.
	missing := text[found[1]:]
	if end := strings.Index(missing, "\n\n"); end >= 0 {
		missing = missing[:end]
	}
	words := map[string]bool{}
	for _, w := range regexp.MustCompile(`[A-Za-z]+`).FindAllString(missing, -1) {
		words[w] = true
	}
	for op := range m.Operations {
		if _, ok := served[op]; ok {
			if words[op] {
				t.Errorf("README lists %s as missing, but Cognate serves it", op)
			}
			continue
		}
		if !words[op] {
			t.Errorf("README does not list %s as missing", op)
		}
	}
}
