package hosted

import "html/template"

// pages are the hosted pages. Each form carries the CSRF token and the
// sealed state; every input has a label, an error sits next to its field
// and is tied to it by aria-describedby (a form-wide error to the form),
// the layout fits a phone's width, and the pages need no script but for
// passkeys (passkey.js, on the pages that carry WebAuthn options).
var pages = template.Must(template.New("").Funcs(template.FuncMap{"field": fieldOf}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>{{if .Options}}
<script src="/passkey.js" defer></script>{{end}}
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f4f7;margin:0;color:#16191f;line-height:1.4}
main{max-width:400px;margin:40px auto;background:#fff;padding:28px 32px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.35rem;margin:0 0 4px}.app{color:#545b64;margin:0 0 18px}
label{display:block;font-weight:600;margin:14px 0 4px}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:9px;font-size:1rem;border:1px solid #6c7778;border-radius:4px}
input[aria-invalid=true]{border-color:#b3260e;border-width:2px}
button{margin-top:20px;width:100%;padding:10px;font-size:1rem;background:#0a66c2;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#0a66c2;border:1px solid #0a66c2;margin-top:10px}
:focus-visible{outline:3px solid #0a66c2;outline-offset:2px}
a{color:#0a58a8}
.err{color:#b3260e;margin:4px 0 0;font-size:.92rem}.alert{color:#8f1e0b;background:#fff0ee;padding:8px 10px;border-radius:4px}
.info{background:#eef6ff;padding:8px 10px;border-radius:4px}.alt{margin-top:18px;text-align:center}
.forgot{margin:8px 0 0;font-size:.92rem}
code.secret{display:block;font-size:1.05rem;background:#f2f4f7;padding:8px;border-radius:4px;letter-spacing:.05em;user-select:all;-webkit-user-select:all;cursor:text}
code.secret span{display:inline-block;margin-right:.6em}.hint{font-size:.92rem;color:#545b64;margin:6px 0 0}
ul.rules{margin:6px 0 0;padding-left:1.3em;font-size:.92rem;color:#545b64}ul.rules li.unmet{color:#b3260e}
.back{margin-top:18px}
a.provider{display:block;text-align:center;padding:10px;border:1px solid #0a66c2;border-radius:4px;text-decoration:none;font-weight:600}
.qr{text-align:center;margin:10px 0}.qr svg{max-width:100%;height:auto}
@media (max-width:480px){main{margin:0;border-radius:0;box-shadow:none;padding:20px 16px;min-height:100vh;box-sizing:border-box}}
</style></head><body><main>
<h1>{{.Title}}</h1>{{with .ClientName}}<p class="app">{{.}}</p>{{end}}
{{with .Info}}<p class="info" role="status">{{.}}</p>{{end}}
{{with .Error}}<p class="alert" role="alert" id="form-error">{{.}}</p>{{end}}
{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "form"}}{{/* the opening tag of a page's form, tied to the form-wide error */}}<form method="post" action="{{.}}"{{end}}

{{define "described"}}{{if .Error}} aria-describedby="form-error"{{end}}>{{end}}

{{define "hidden"}}<input type="hidden" name="_csrf" value="{{.CSRF}}"><input type="hidden" name="request" value="{{.Request}}">{{end}}

{{define "flowhidden"}}<input type="hidden" name="_csrf" value="{{.CSRF}}"><input type="hidden" name="flow" value="{{.Flow}}">{{end}}

{{define "field"}}{{/* .P page, .Name, .Label, .Type, .Value, .Auto */}}
<label for="{{.Name}}">{{.Label}}</label>
<input id="{{.Name}}" name="{{.Name}}" type="{{.Type}}" value="{{.Value}}" autocomplete="{{.Auto}}"{{with index .P.Errs .Name}} aria-invalid="true" aria-describedby="{{$.Name}}-error"{{end}}{{if .Extra}} inputmode="numeric" pattern="[0-9]{6}" maxlength="6"{{end}} required>
{{with index .P.Errs .Name}}<p class="err" id="{{$.Name}}-error">{{.}}</p>{{end}}
{{end}}

{{define "login"}}{{template "head" .}}
{{range .Providers}}<p><a class="provider" href="{{.URL}}">Sign in with {{.Name}}</a></p>
{{end}}{{if not .NoPassword}}{{if .Providers}}<p class="alt">or</p>{{end}}
{{template "form" "/login"}}{{template "described" .}}{{template "hidden" .}}
{{template "field" (field . "username" .NameLabel .NameType .Username "username" false)}}
{{template "field" (field . "password" "Password" "password" "" "current-password" false)}}
<p class="forgot"><a href="/forgotPassword?request={{.Request}}">Forgot your password?</a></p>
<button type="submit">Sign in</button>
{{with .Factors}}<p class="alt" id="factors-label">or, with your {{$.NameWord}} above</p>
{{range .}}<button type="submit" name="factor" value="{{.Value}}" class="secondary" formnovalidate aria-describedby="factors-label">{{.Label}}</button>
{{end}}{{end}}</form>
<p class="alt">Need an account? <a href="/signup?request={{.Request}}">Sign up</a></p>{{end}}
{{template "foot" .}}{{end}}

{{define "mfa"}}{{template "head" .}}
{{template "form" "/mfa"}}{{template "described" .}}{{template "flowhidden" .}}
<p>Enter the 6-digit code your authenticator app shows.</p>
{{template "field" (field . "code" "Authenticator code" "text" "" "one-time-code" true)}}
<button type="submit">Sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "code"}}{{template "head" .}}
{{template "form" "/code"}}{{template "described" .}}{{template "flowhidden" .}}
<p>We sent a code by {{.Medium}}{{with .Dest}} to {{.}}{{end}}. Enter it below.</p>
{{template "field" (field . "code" "Code" "text" "" "one-time-code" true)}}
<button type="submit">Sign in</button>
{{if .Resend}}<button type="submit" name="action" value="resend" class="secondary" formnovalidate>Send a new code</button>{{end}}
</form>
{{if not .Resend}}<p class="alt">No code? <a href="/login?request={{.Request}}">Start again</a> for a new one.</p>{{end}}
{{template "foot" .}}{{end}}

{{define "setupemail"}}{{template "head" .}}
{{template "form" "/mfa/email"}}{{template "described" .}}{{template "flowhidden" .}}
<p id="setupemail-hint">This account needs a second step at sign-in: a code sent by email. Enter the address the codes should go to; we will send a code to it now.</p>
{{template "field" (field . "email" "Email address" "email" "" "email" true)}}
<button type="submit" aria-describedby="setupemail-hint">Send the code</button>
</form>
{{template "foot" .}}{{end}}

{{define "choose"}}{{template "head" .}}
{{template "form" "/mfa/select"}}{{template "described" .}}{{template "flowhidden" .}}
<p id="choose-question">Your account has more than one way to confirm it is you. Choose one.</p>
{{range .Choices}}<button type="submit" name="answer" value="{{.Value}}" aria-describedby="choose-question">{{.Label}}</button>
{{end}}</form>
{{template "foot" .}}{{end}}

{{define "passkey"}}{{template "head" .}}
{{template "form" "/passkey"}} data-options="{{.Options}}"{{template "described" .}}{{template "flowhidden" .}}
<input type="hidden" name="credential" value="">
<p id="passkey-hint">Use the passkey saved in this browser, on this device or on a security key.</p>
<p class="alert passkey-error" role="alert" hidden></p>
<button type="button" data-passkey="get" aria-describedby="passkey-hint" hidden>Use my passkey</button>
<noscript><p class="alert">Signing in with a passkey needs JavaScript.</p></noscript>
</form>
<p class="alt"><a href="/login?request={{.Request}}">Sign in another way</a></p>
{{template "foot" .}}{{end}}

{{define "addpasskey"}}{{template "head" .}}
{{template "form" "/passkey/add"}} data-options="{{.Options}}"{{template "described" .}}{{template "flowhidden" .}}
<input type="hidden" name="credential" value="">
<p id="add-hint">You are signed in. With a passkey you can sign in next time with this device's fingerprint, face or screen lock, or a security key, instead of a password.</p>
<p class="alert passkey-error" role="alert" hidden></p>
<button type="button" data-passkey="create" aria-describedby="add-hint" hidden>Add a passkey</button>
<button type="submit" class="secondary">Not now</button>
</form>
{{template "foot" .}}{{end}}

{{define "setup"}}{{template "head" .}}
{{template "form" "/mfa/setup"}}{{template "described" .}}{{template "flowhidden" .}}
<p>This account requires an authenticator app. Scan the QR code with the app, or enter the key by hand, then enter the code it shows.</p>
<div class="qr">{{.QR}}</div>
<p id="secret-label">Secret key:</p><code class="secret" id="secret" aria-labelledby="secret-label" aria-describedby="secret-hint">{{range .SecretGroups}}<span>{{.}}</span>{{end}}</code>
<p class="hint" id="secret-hint">Shown in groups of four for reading; a click selects the whole key, which copies without spaces.</p>
{{template "field" (field . "code" "Authenticator code" "text" "" "one-time-code" true)}}
<label for="device_name">Device name (optional)</label>
<input id="device_name" name="device_name" type="text" autocomplete="off">
<button type="submit">Verify and sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "rules"}}{{with .Rules}}<p class="hint" id="password-rules-label">Your password needs:</p>
<ul class="rules" id="password-rules">{{range .}}<li{{if not .Met}}{{if index $.Errs "password"}} class="unmet"{{end}}{{end}}>{{.Text}}</li>{{end}}</ul>{{end}}{{end}}

{{define "signup"}}{{template "head" .}}
{{template "form" "/signup"}}{{template "described" .}}{{template "hidden" .}}
{{if not .EmailOnly}}{{template "field" (field . "username" .NameLabel .NameType .Username "username" false)}}{{end}}
{{template "field" (field . "email" "Email" "email" .Email "email" false)}}
{{template "field" (field . "password" "Password" "password" "" "new-password" false)}}
{{template "rules" .}}
{{with .Terms}}<p class="hint" id="terms">By signing up you agree to the {{range $i, $t := .}}{{if $i}} and the {{end}}<a href="{{$t.URL}}" target="_blank" rel="noopener">{{$t.Text}}</a>{{end}}.</p>{{end}}
<button type="submit">Sign up</button>
</form>
<p class="alt">Already have an account? <a href="/login?request={{.Request}}">Sign in</a></p>
{{template "foot" .}}{{end}}

{{define "confirm"}}{{template "head" .}}
{{template "form" "/confirm"}}{{template "described" .}}{{template "hidden" .}}
{{template "field" (field . "username" .NameLabel .NameType .Username "username" false)}}
{{template "field" (field . "code" "Confirmation code" "text" "" "one-time-code" false)}}
<button type="submit">Confirm account</button>
<button type="submit" name="action" value="resend" class="secondary" formnovalidate>Send a new code</button>
</form>
{{template "foot" .}}{{end}}

{{define "forgot"}}{{template "head" .}}
{{template "form" "/forgotPassword"}}{{template "described" .}}{{template "hidden" .}}
<p>Enter your {{.NameWord}} and we will send you a code to reset your password.</p>
{{template "field" (field . "username" .NameLabel .NameType .Username "username" false)}}
<button type="submit">Reset my password</button>
</form>
<p class="alt"><a href="/login?request={{.Request}}">Back to sign in</a></p>
{{template "foot" .}}{{end}}

{{define "reset"}}{{template "head" .}}
{{template "form" "/confirmForgotPassword"}}{{template "described" .}}{{template "hidden" .}}
{{template "field" (field . "username" .NameLabel .NameType .Username "username" false)}}
{{template "field" (field . "code" "Reset code" "text" .Code "one-time-code" false)}}
{{template "field" (field . "password" "New password" "password" "" "new-password" false)}}
{{template "rules" .}}
{{template "field" (field . "password2" "Enter the new password again" "password" "" "new-password" false)}}
<button type="submit">Change password</button>
</form>
{{template "foot" .}}{{end}}

{{define "newpassword"}}{{template "head" .}}
{{template "form" "/newPassword"}}{{template "described" .}}{{template "flowhidden" .}}
{{template "field" (field . "password" "New password" "password" "" "new-password" false)}}
{{template "rules" .}}
{{template "field" (field . "password2" "Enter the new password again" "password" "" "new-password" false)}}
{{range .Attrs}}{{template "field" (field $ .Name .Label "text" .Value "on" false)}}{{end}}
<button type="submit">Change password and sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "device"}}{{template "head" .}}
{{template "form" "/device"}}{{template "described" .}}{{template "flowhidden" .}}
<p id="device-question">A remembered device signs you in without an authenticator code next time. Do not remember a device that others use.</p>
<button type="submit" name="remember" value="yes" aria-describedby="device-question">Remember this device</button>
<button type="submit" name="remember" value="no" class="secondary">Don't remember</button>
</form>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}
{{if .Back}}<p class="back"><a href="{{.Back}}">{{.BackText}}</a></p>{{end}}
{{template "foot" .}}{{end}}
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
