package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
	"github.com/cognate-idp/cognate/internal/store/storetest"
)

func open(t *testing.T, path string) store.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "cognate.db"))
	}, storetest.Nodes(func(t *testing.T) func() store.Store {
		// Several handles on one file stand for several processes.
		path := filepath.Join(t.TempDir(), "cognate.db")
		return func() store.Store { return open(t, path) }
	}))
}
