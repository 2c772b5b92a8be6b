package cognatetest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Browser drives the server's own pages (the hosted sign-in pages) as a
// browser without script does: it keeps the cookies the server sets and
// follows no redirect, so a test sees each one the server answers.
type Browser struct {
	T    testing.TB
	Base string // the server's URL
	// Cookies are the cookies kept, by name (the pages' CSRF token is
	// Cookies["XSRF-TOKEN"]).
	Cookies map[string]string
	hc      *http.Client
}

// NewBrowser returns a Browser of the server at base with no cookies.
func NewBrowser(t testing.TB, base string) *Browser {
	return &Browser{T: t, Base: base, Cookies: map[string]string{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Do sends req with the kept cookies and keeps those the answer sets (an
// empty or expired one is forgotten); it returns the answer and its body.
func (b *Browser) Do(req *http.Request) (*http.Response, string) {
	b.T.Helper()
	for k, v := range b.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Value == "" || c.MaxAge < 0 {
			delete(b.Cookies, c.Name)
		} else {
			b.Cookies[c.Name] = c.Value
		}
	}
	return resp, string(body)
}

// Get fetches path (with its query) of the server.
func (b *Browser) Get(path string) (*http.Response, string) {
	b.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.Base+path, nil)
	return b.Do(req)
}

// Post submits form to path of the server, as given (a test adds the CSRF
// field, or leaves it out to see the refusal).
func (b *Browser) Post(path string, form url.Values) (*http.Response, string) {
	b.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}
