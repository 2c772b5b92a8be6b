package hosted

import (
	"fmt"
	"image"
	"image/color"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// rasterize draws the SVG qrSVG makes (a viewBox and one path of unit
// squares "M x yh1v1h-1z") at scale pixels per module, white elsewhere.
func rasterize(t *testing.T, svg string, scale int) image.Image {
	t.Helper()
	vb := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(svg)
	if vb == nil {
		t.Fatalf("no viewBox in %.200s", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	modules := regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`).FindAllStringSubmatch(svg, -1)
	if len(modules) < 100 {
		t.Fatalf("only %d dark modules", len(modules))
	}
	for _, m := range modules {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		for dy := 0; dy < scale; dy++ {
			for dx := 0; dx < scale; dx++ {
				img.SetGray(x*scale+dx, y*scale+dy, color.Gray{})
			}
		}
	}
	return img
}

// TestQRCodeDecodes reads the set-up page's QR code back with an
// independent decoder (ZXing's port): it must hold the otpauth:// URI
// exactly, for an ASCII account and one that needs escaping.
func TestQRCodeDecodes(t *testing.T) {
	for _, c := range []struct{ issuer, account string }{
		{"browser", "alice"},
		{"Acme Corp", "zoë+test@example.com"},
	} {
		uri := otpauthURI(c.issuer, c.account, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
		svg, err := qrSVG(uri)
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(rasterize(t, string(svg), 4))
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("%s: decode: %v", c.account, err)
		}
		if res.GetText() != uri {
			t.Errorf("decoded %q, want %q", res.GetText(), uri)
		}
		u, err := url.Parse(res.GetText())
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" || u.Query().Get("issuer") != c.issuer {
			t.Errorf("URI %q: %v", res.GetText(), err)
		}
		if label, _ := url.PathUnescape(u.EscapedPath()); label != fmt.Sprintf("/%s:%s", c.issuer, c.account) {
			t.Errorf("label %q", label)
		}
	}
}
