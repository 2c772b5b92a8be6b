package sqlite

import (
	"context"
	"strings"

	"github.com/cognate-idp/cognate/internal/store"
)

// FindUsersPlan is SQLite's EXPLAIN QUERY PLAN of the queries FindUsers
// would run for these arguments now, one line per plan step, "--" between
// two queries.
func (s *Store) FindUsersPlan(ctx context.Context, poolID string, f *store.Filter, after string, limit int) (string, error) {
	var qs []query
	if f != nil && f.Prefix && f.Attr != "username" && f.Attr != "enabled" {
		if c, ok := prefixCount(poolID, f); ok {
			qs = append(qs, c)
		}
	}
	q, err := s.findUsersQuery(ctx, poolID, f, after, limit)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, q := range append(qs, q) {
		if i > 0 {
			b.WriteString("--\n")
		}
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.q, q.args...)
		if err != nil {
			return "", err
		}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				rows.Close()
				return "", err
			}
			b.WriteString(detail + "\n")
		}
		if err := rows.Close(); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}
