package hosted

import "html/template"

// pages are the hosted pages. Each form carries the CSRF token and the
// sealed state; errors sit next to their field (aria-describedby) and the
// pages need no script.
var pages = template.Must(template.New("").Funcs(template.FuncMap{"field": fieldOf}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f4f7;margin:0;color:#16191f}
main{max-width:400px;margin:40px auto;background:#fff;padding:28px 32px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.35rem;margin:0 0 4px}.app{color:#545b64;margin:0 0 18px}
label{display:block;font-weight:600;margin:14px 0 4px}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:9px;font-size:1rem;border:1px solid #879596;border-radius:4px}
input[aria-invalid=true]{border-color:#d13212}
button{margin-top:20px;width:100%;padding:10px;font-size:1rem;background:#0972d3;color:#fff;border:0;border-radius:4px;cursor:pointer}
.err{color:#d13212;margin:4px 0 0;font-size:.92rem}.alert{color:#d13212;background:#fff0ee;padding:8px 10px;border-radius:4px}
.info{background:#f0f7ff;padding:8px 10px;border-radius:4px}.alt{margin-top:18px;text-align:center}
code.secret{display:block;font-size:1.05rem;word-break:break-all;background:#f2f4f7;padding:8px;border-radius:4px;letter-spacing:.05em}
.qr{text-align:center;margin:10px 0}
</style></head><body><main>
<h1>{{.Title}}</h1>{{with .ClientName}}<p class="app">{{.}}</p>{{end}}
{{with .Info}}<p class="info" role="status">{{.}}</p>{{end}}
{{with .Error}}<p class="alert" role="alert" id="form-error">{{.}}</p>{{end}}
{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "hidden"}}<input type="hidden" name="_csrf" value="{{.CSRF}}"><input type="hidden" name="request" value="{{.Request}}">{{end}}

{{define "field"}}{{/* .P page, .Name, .Label, .Type, .Value, .Auto */}}
<label for="{{.Name}}">{{.Label}}</label>
<input id="{{.Name}}" name="{{.Name}}" type="{{.Type}}" value="{{.Value}}" autocomplete="{{.Auto}}"{{with index .P.Errs .Name}} aria-invalid="true" aria-describedby="{{$.Name}}-error"{{end}}{{if .Extra}} inputmode="numeric" pattern="[0-9]{6}" maxlength="6"{{end}} required>
{{with index .P.Errs .Name}}<p class="err" id="{{$.Name}}-error">{{.}}</p>{{end}}
{{end}}

{{define "login"}}{{template "head" .}}
<form method="post" action="/login">{{template "hidden" .}}
{{template "field" (field . "username" "Username" "text" .Username "username" false)}}
{{template "field" (field . "password" "Password" "password" "" "current-password" false)}}
<button type="submit">Sign in</button>
</form>
<p class="alt">Need an account? <a href="/signup?request={{.Request}}">Sign up</a></p>
{{template "foot" .}}{{end}}

{{define "mfa"}}{{template "head" .}}
<form method="post" action="/mfa"><input type="hidden" name="_csrf" value="{{.CSRF}}"><input type="hidden" name="flow" value="{{.Flow}}">
<p>Enter the 6-digit code your authenticator app shows.</p>
{{template "field" (field . "code" "Authenticator code" "text" "" "one-time-code" true)}}
<button type="submit">Sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "setup"}}{{template "head" .}}
<form method="post" action="/mfa/setup"><input type="hidden" name="_csrf" value="{{.CSRF}}"><input type="hidden" name="flow" value="{{.Flow}}">
<p>This account requires an authenticator app. Scan the QR code with the app, or enter the key by hand, then enter the code it shows.</p>
<div class="qr">{{.QR}}</div>
<p>Secret key:</p><code class="secret" id="secret">{{.Secret}}</code>
{{template "field" (field . "code" "Authenticator code" "text" "" "one-time-code" true)}}
<label for="device_name">Device name (optional)</label>
<input id="device_name" name="device_name" type="text" autocomplete="off">
<button type="submit">Verify and sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "signup"}}{{template "head" .}}
<form method="post" action="/signup">{{template "hidden" .}}
{{if not .EmailOnly}}{{template "field" (field . "username" "Username" "text" .Username "username" false)}}{{end}}
{{template "field" (field . "email" "Email" "email" .Email "email" false)}}
{{template "field" (field . "password" "Password" "password" "" "new-password" false)}}
<button type="submit">Sign up</button>
</form>
<p class="alt">Already have an account? <a href="/login?request={{.Request}}">Sign in</a></p>
{{template "foot" .}}{{end}}

{{define "confirm"}}{{template "head" .}}
<form method="post" action="/confirm">{{template "hidden" .}}
{{template "field" (field . "username" "Username" "text" .Username "username" false)}}
{{template "field" (field . "code" "Confirmation code" "text" "" "one-time-code" false)}}
<button type="submit">Confirm account</button>
</form>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}{{template "foot" .}}{{end}}
`))

// fieldData is one labelled input of a form.
type fieldData struct {
	P                        *page
	Name, Label, Type, Value string
	Auto                     string
	Extra                    bool // a 6-digit code
}

func fieldOf(p *page, name, label, typ, value, auto string, code bool) fieldData {
	return fieldData{P: p, Name: name, Label: label, Type: typ, Value: value, Auto: auto, Extra: code}
}
