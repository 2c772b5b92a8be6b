package hosted

import (
	_ "embed"
	"net/http"
)

// passkeyScriptPath is where the pages' one script is served from, on the
// pages' own origin (their Content-Security-Policy allows 'self' scripts
// only: no inline script, no eval).
const passkeyScriptPath = "/passkey.js"

//go:embed passkey.js
var passkeyScript []byte

func servePasskeyScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(passkeyScript)
}
