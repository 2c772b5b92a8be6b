package hosted

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// otpauthURI is the key URI authenticator apps read (the format of
// Google Authenticator's wiki, which Amplify's set-up screens use too):
// otpauth://totp/{issuer}:{account}?secret=...&issuer=...
func otpauthURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// qrSVG draws text as a QR code in SVG, one path for the dark modules, with
// the four-module quiet zone scanners expect. It is drawn on the server so
// the page needs no script.
func qrSVG(text string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	b := code.Bounds()
	n := b.Dx()
	const quiet = 4
	var path strings.Builder
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA(); r < 0x8000 {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	size := n + 2*quiet
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="220" height="220" role="img" aria-label="QR code of the authenticator key" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		size, size, size, size, path.String())), nil
}
