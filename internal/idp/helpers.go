package idp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sort"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
)

// Helpers shared by the whole domain: documents in the store, random ids
// and tokens, and list pagination.

func decodeDoc(b []byte, v any) error { return json.Unmarshal(b, v) }

func encodeDoc(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data types are encoded
	}
	return b
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// randomToken is seal.RandomToken: never starting with '-'.
func randomToken(n int) string { return seal.RandomToken(n) }

// NewPoolID returns an id in Cognito's form: region_ + 9 alphanumerics.
func (s *Service) NewPoolID() string { return s.region + "_" + randomString(alnum, 9) }

// NewClientID returns an id in Cognito's form: 26 lowercase alphanumerics.
func NewClientID() string { return randomString(lowerAlnum, 26) }

func newClientSecret() string { return randomString(lowerAlnum, 51) }

// pageSize is a list call's page size: the requested one, or Cognito's
// maximum of 60 when none (or zero) is asked.
func pageSize(requested *int32) int {
	if requested != nil && *requested > 0 {
		return int(*requested)
	}
	return 60
}

func encodePageToken(last string) string { return base64.RawURLEncoding.EncodeToString([]byte(last)) }

// keyPage is one page of a map's keys in order: those after the page
// token's key, at most limit (max when limit is nil or 0), and the token
// of the next page ("" on the last).
func keyPage[V any](m map[string]V, token string, limit *int32, max int) (keys []string, next string, err error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, "", err
	}
	n := max
	if limit != nil && *limit > 0 {
		n = int(*limit)
	}
	for k := range m {
		if k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > n {
		keys = keys[:n]
		next = encodePageToken(keys[n-1])
	}
	return keys, next, nil
}

func decodePageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPaginationToken)
	}
	return string(b), nil
}
