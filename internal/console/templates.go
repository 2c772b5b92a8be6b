package console

import (
	"html/template"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

// css follows the hosted pages' look, widened for tables; below 600 px the
// tables become one card per row, so nothing scrolls sideways at 375 px.
const css = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f4f7;margin:0;color:#16191f;line-height:1.4}
.skip{position:absolute;left:-10000px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:1}
header{background:#16191f;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px}
header .brand{font-weight:700;color:#fff;text-decoration:none}
header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
header nav a{color:#fff}header nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
header form{margin:0 0 0 auto}header form button{margin:0;width:auto;padding:4px 10px;background:#fff;color:#16191f}
main{max-width:1100px;margin:20px auto;background:#fff;padding:20px 28px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
main.narrow{max-width:400px}
h1{font-size:1.4rem;margin:0 0 12px;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:24px 0 8px}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password],input[type=search],select,textarea{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #6c7778;border-radius:4px;background:#fff;color:#16191f}
textarea{font-family:ui-monospace,monospace;font-size:.85rem;min-height:8em}
button{margin-top:12px;padding:8px 14px;font-size:1rem;background:#0a66c2;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.danger{background:#b3260e}button.secondary{background:#fff;color:#0a58a8;border:1px solid #0a58a8}
:focus-visible{outline:3px solid #0a66c2;outline-offset:2px}
a{color:#0a58a8}
.alert{color:#8f1e0b;background:#fff0ee;padding:8px 10px;border-radius:4px}.info{background:#eef6ff;padding:8px 10px;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d5dbdb;vertical-align:top}td{overflow-wrap:anywhere}
th{background:#f2f4f7}
dl{display:grid;grid-template-columns:minmax(8em,14em) 1fr;gap:4px 16px}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.search{display:grid;grid-template-columns:1fr 1fr 2fr auto;gap:0 12px;align-items:end}
.actions{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end}.actions form{margin:0}
.box{border:1px solid #d5dbdb;border-radius:6px;padding:8px 14px;margin:12px 0}
.check{display:flex;gap:6px;align-items:center;font-weight:400}
code.code{font-size:2rem;letter-spacing:.15em;background:#f2f4f7;padding:2px 10px;border-radius:4px;user-select:all}
pre{background:#f2f4f7;padding:8px;border-radius:4px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.ok::before{content:"✓ ";color:#1d6b31;font-weight:700}.bad::before{content:"✗ ";color:#b3260e;font-weight:700}
ul.checks{list-style:none;padding:0}.muted{color:#545b64}
.msg{border-bottom:1px solid #d5dbdb;padding:10px 0}.msg p{margin:4px 0}
@media (max-width:600px){main{margin:0;border-radius:0;box-shadow:none;padding:14px 12px}
.search{grid-template-columns:1fr}dl{grid-template-columns:1fr}dd{margin-bottom:6px}
table.cards thead{position:absolute;left:-10000px}table.cards tr{display:block;border-bottom:2px solid #d5dbdb;padding:4px 0}
table.cards td{display:block;border:0;padding:2px 4px}table.cards td::before{content:attr(data-label) ": ";font-weight:600}}
`

// script is the console's only JavaScript: copy buttons, and the outbox
// keeping itself up to date. Every page works without it.
const script = `document.addEventListener('click', e => {
	const b = e.target.closest('button[data-copy]');
	if (!b || !navigator.clipboard) return;
	navigator.clipboard.writeText(b.dataset.copy).then(() => {
		b.textContent = 'Copied';
		setTimeout(() => { b.textContent = 'Copy code'; }, 1500);
	});
});
for (const b of document.querySelectorAll('button[data-copy]')) b.hidden = false;
const live = document.querySelector('[data-live]');
if (live) {
	setInterval(async () => {
		try {
			const r = await fetch(live.dataset.live, { credentials: 'same-origin' });
			if (!r.ok) return;
			const html = await r.text();
			if (html !== live.dataset.last) {
				live.dataset.last = html;
				live.innerHTML = html;
				for (const b of live.querySelectorAll('button[data-copy]')) b.hidden = false;
			}
		} catch (_) {}
	}, 2000);
}
`

func when(t api.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func whenTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{"when": when, "whenTime": whenTime, "deref": deref, "prefix": func() string { return Prefix }, "dict": actionOf}).Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Cognate console</title>
<link rel="stylesheet" href="{{prefix}}/static/console.css">
<script src="{{prefix}}/static/console.js" defer></script>
</head><body>
<a class="skip" href="#main">Skip to content</a>
{{if .Section}}<header><a class="brand" href="{{prefix}}/">Cognate console</a>
<nav aria-label="Console"><ul>
<li><a href="{{prefix}}/"{{if eq .Section "pools"}} aria-current="page"{{end}}>User pools</a></li>
<li><a href="{{prefix}}/outbox"{{if eq .Section "outbox"}} aria-current="page"{{end}}>Outbox</a></li>
<li><a href="{{prefix}}/tokens"{{if eq .Section "tokens"}} aria-current="page"{{end}}>Token inspector</a></li>
</ul></nav>
<form method="post" action="{{prefix}}/logout"><input type="hidden" name="_csrf" value="{{.CSRF}}"><button type="submit">Sign out</button></form>
</header>{{end}}
<main id="main"{{if not .Section}} class="narrow"{{end}}>
<h1>{{.Title}}</h1>
{{with .Info}}<p class="info" role="status">{{.}}</p>{{end}}
{{with .Error}}<p class="alert" role="alert" id="page-error">{{.}}</p>{{end}}
{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "csrf"}}<input type="hidden" name="_csrf" value="{{.}}">{{end}}

{{define "login"}}{{template "head" .}}
<form method="post" action="{{prefix}}/login"{{if .Error}} aria-describedby="page-error"{{end}}>
{{template "csrf" .CSRF}}
<p>Sign in with the server's admin keys: the access key id and secret the AWS CLI signs admin calls with.</p>
<label for="access_key_id">Access key id</label>
<input id="access_key_id" name="access_key_id" type="text" value="{{.Body.KeyID}}" autocomplete="username" required autofocus>
<label for="secret_access_key">Secret access key</label>
<input id="secret_access_key" name="secret_access_key" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}<p><a href="{{prefix}}/">Back to the user pools</a></p>{{template "foot" .}}{{end}}

{{define "pools"}}{{template "head" .}}
{{with .Body.Pools}}<table class="cards"><caption class="muted">The pools of this server</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Triggers</th><th scope="col">Created</th><th scope="col">Users</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Name"><a href="{{prefix}}/pool?id={{.Id}}">{{.Name}}</a></td><td data-label="Id">{{.Id}}</td>
<td data-label="Triggers">{{range $i, $t := .Triggers}}{{if $i}}, {{end}}{{$t}}{{else}}None{{end}}</td>
<td data-label="Created">{{when .CreationDate}}</td><td data-label="Users"><a href="{{prefix}}/users?pool={{.Id}}">Users of {{.Name}}</a></td></tr>
{{end}}</tbody></table>{{else}}<p>No user pools yet. Create one with CreateUserPool (for example <code>aws cognito-idp create-user-pool</code>).</p>{{end}}
{{with .Body.Next}}<p><a href="{{prefix}}/?next={{.}}">Next page of pools</a></p>{{end}}
{{template "foot" .}}{{end}}

{{define "pool"}}{{template "head" .}}{{with .Body}}
<p><a href="{{prefix}}/users?pool={{.Pool.Id}}">Users of this pool</a> · <a href="{{prefix}}/outbox?pool={{.Pool.Id}}">Its outbox</a></p>
<h2>Settings at a glance</h2>
<dl>
<dt>Id</dt><dd>{{.Pool.Id}}</dd>
<dt>Estimated users</dt><dd>{{.Pool.EstimatedNumberOfUsers}}</dd>
<dt>Sign-in with</dt><dd>{{.SignIn}}</dd>
<dt>MFA</dt><dd>{{.MFA}}</dd>
<dt>Devices</dt><dd>{{.Devices}}</dd>
<dt>Auto-verified</dt><dd>{{range $i, $a := .Pool.AutoVerifiedAttributes}}{{if $i}}, {{end}}{{$a}}{{else}}None{{end}}</dd>
<dt>Triggers</dt><dd>{{range $i, $t := .Triggers}}{{if $i}}, {{end}}{{$t}}{{else}}None{{end}}</dd>
<dt>Deletion protection</dt><dd>{{or .Pool.DeletionProtection "INACTIVE"}}</dd>
<dt>Created</dt><dd>{{when .Pool.CreationDate}}</dd>
</dl>
<h2>Domains</h2>
{{if or .Pool.Domain .Pool.CustomDomain}}<ul>{{with .Pool.Domain}}<li>Prefix domain: {{.}}</li>{{end}}{{with .Pool.CustomDomain}}<li>Custom domain: {{.}}</li>{{end}}</ul>{{else}}<p>None.</p>{{end}}
<h2>App clients</h2>
{{with .Clients}}<table class="cards"><thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Secret</th><th scope="col">Auth flows</th><th scope="col">OAuth flows</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Name">{{.Name}}</td><td data-label="Client id">{{.ID}}</td><td data-label="Secret">{{if .HasSecret}}Yes{{else}}No{{end}}</td>
<td data-label="Auth flows">{{range $i, $f := .Flows}}{{if $i}}, {{end}}{{$f}}{{else}}Default{{end}}</td><td data-label="OAuth flows">{{range $i, $f := .OAuth}}{{if $i}}, {{end}}{{$f}}{{else}}None{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>None.</p>{{end}}
<h2>Groups</h2>
{{with .Groups}}<table class="cards"><thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Precedence</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Name">{{.GroupName}}</td><td data-label="Description">{{.Description}}</td><td data-label="Precedence">{{with .Precedence}}{{.}}{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>None.</p>{{end}}
{{end}}{{template "foot" .}}{{end}}

{{define "users"}}{{template "head" .}}{{with .Body}}
<p><a href="{{prefix}}/pool?id={{.Pool.Id}}">Pool settings</a></p>
<form method="get" action="{{prefix}}/users" role="search" aria-label="Users">
<input type="hidden" name="pool" value="{{.Pool.Id}}">
<div class="search">
<div><label for="attr">Search by</label><select id="attr" name="attr">{{$attr := .Attr}}{{range .Attrs}}<option{{if eq . $attr}} selected{{end}}>{{.}}</option>{{end}}</select></div>
<div><label for="match">Match</label><select id="match" name="match"><option value="prefix">starts with</option><option value="equals"{{if eq .Match "equals"}} selected{{end}}>equals</option></select></div>
<div><label for="q">Value</label><input id="q" name="q" type="search" value="{{.Q}}"></div>
<div><button type="submit">Search</button></div>
</div></form>
{{with .Users}}<h2>Users</h2><table class="cards"><thead><tr><th scope="col">Username</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Enabled</th><th scope="col">MFA</th><th scope="col">Created</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Username"><a href="{{prefix}}/user?pool={{$.Body.Pool.Id}}&amp;u={{.Username}}">{{.Username}}</a></td><td data-label="Email">{{.Email}}</td>
<td data-label="Status">{{.UserStatus}}</td><td data-label="Enabled">{{if .Enabled}}Enabled{{else}}Disabled{{end}}</td><td data-label="MFA">{{.MFA}}</td><td data-label="Created">{{when .UserCreateDate}}</td></tr>
{{end}}</tbody></table>{{else}}{{if .Users}}{{else}}<p>No users match.</p>{{end}}{{end}}
<p>{{with .First}}<a href="{{.}}">First page</a> {{end}}{{with .Next}}<a href="{{.}}">Next page</a>{{end}}</p>
{{end}}{{template "foot" .}}{{end}}

{{define "action"}}{{/* .P page, .A action, .L label, .C class */}}<form method="post" action="{{prefix}}/user">{{template "csrf" .P.CSRF}}
<input type="hidden" name="pool" value="{{.P.Body.Pool.Id}}"><input type="hidden" name="u" value="{{.P.Body.User.Username}}"><input type="hidden" name="action" value="{{.A}}">
<button type="submit"{{with .C}} class="{{.}}"{{end}}>{{.L}}</button></form>{{end}}

{{define "user"}}{{template "head" .}}{{$p := .}}{{with .Body}}
<p><a href="{{prefix}}/users?pool={{.Pool.Id}}">Users of {{.Pool.Name}}</a></p>
<dl>
<dt>Status</dt><dd>{{.User.UserStatus}}</dd>
<dt>Enabled</dt><dd>{{if .User.Enabled}}Enabled{{else}}Disabled{{end}}</dd>
<dt>MFA</dt><dd>{{.MFA}}</dd>
<dt>Created</dt><dd>{{when .User.UserCreateDate}}</dd>
<dt>Last modified</dt><dd>{{when .User.UserLastModifiedDate}}</dd>
</dl>
<h2>Actions</h2>
<div class="actions">
{{if eq .User.UserStatus "UNCONFIRMED"}}{{template "action" (dict $p "confirm" "Confirm sign-up" "")}}{{end}}
{{if .User.Enabled}}{{template "action" (dict $p "disable" "Disable" "secondary")}}{{else}}{{template "action" (dict $p "enable" "Enable" "")}}{{end}}
{{template "action" (dict $p "reset-password" "Reset password" "secondary")}}
{{template "action" (dict $p "sign-out" "Sign out everywhere" "secondary")}}
</div>
{{if and (eq .User.UserStatus "UNCONFIRMED") .Clients}}
<form method="post" action="{{prefix}}/user" class="box">{{template "csrf" $p.CSRF}}
<h3>Confirm the sign-up with a code</h3>
<input type="hidden" name="pool" value="{{.Pool.Id}}"><input type="hidden" name="u" value="{{.User.Username}}"><input type="hidden" name="action" value="confirm-code">
<label for="client">App client</label><select id="client" name="client">{{range .Clients}}<option value="{{.ClientId}}">{{.ClientName}} ({{.ClientId}})</option>{{end}}</select>
<label for="code">Confirmation code</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Confirm with the code</button></form>{{end}}
{{with .AllGroups}}<form method="post" action="{{prefix}}/user" class="box">{{template "csrf" $p.CSRF}}
<h3>Add to a group</h3>
<input type="hidden" name="pool" value="{{$p.Body.Pool.Id}}"><input type="hidden" name="u" value="{{$p.Body.User.Username}}"><input type="hidden" name="action" value="add-to-group">
<label for="group">Group</label><select id="group" name="group">{{range .}}<option>{{.GroupName}}</option>{{end}}</select>
<button type="submit">Add to the group</button></form>{{end}}
<form method="post" action="{{prefix}}/user" class="box">{{template "csrf" $p.CSRF}}
<h3>Delete the user</h3>
<input type="hidden" name="pool" value="{{.Pool.Id}}"><input type="hidden" name="u" value="{{.User.Username}}"><input type="hidden" name="action" value="delete">
<label class="check"><input type="checkbox" name="sure" value="yes" required> Yes, delete {{.User.Username}} and all its devices and tokens</label>
<button type="submit" class="danger">Delete the user</button></form>
<h2>Attributes</h2>
<table class="cards"><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>
{{range .User.UserAttributes}}<tr><td data-label="Name">{{.Name}}</td><td data-label="Value">{{deref .Value}}</td></tr>{{end}}
</tbody></table>
<h2>Groups</h2>
{{with .Groups}}<ul>{{range .}}<li>{{.GroupName}}</li>{{end}}</ul>{{else}}<p>In no group.</p>{{end}}
<h2>Devices</h2>
{{with .DevicesError}}<p>{{.}}</p>{{else}}{{with .Devices}}<table class="cards"><thead><tr><th scope="col">Device key</th><th scope="col">Name</th><th scope="col">Remembered</th><th scope="col">Last sign-in</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Device key">{{.DeviceKey}}</td><td data-label="Name">{{range .DeviceAttributes}}{{if eq .Name "device_name"}}{{deref .Value}}{{end}}{{end}}</td>
<td data-label="Remembered">{{range .DeviceAttributes}}{{if eq .Name "device_status"}}{{deref .Value}}{{end}}{{end}}</td><td data-label="Last sign-in">{{with .DeviceLastAuthenticatedDate}}{{when .}}{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>No devices.</p>{{end}}{{end}}
<h2>Recent sign-in events</h2>
{{with .EventsError}}<p>{{.}}</p>{{else}}{{with .Events}}<table class="cards"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">Steps</th><th scope="col">From</th></tr></thead><tbody>
{{range .}}<tr><td data-label="When">{{when .CreationDate}}</td><td data-label="Event">{{.EventType}}</td><td data-label="Outcome">{{.EventResponse}}</td>
<td data-label="Steps">{{range $i, $c := .ChallengeResponses}}{{if $i}}, {{end}}{{$c.ChallengeName}}: {{$c.ChallengeResponse}}{{end}}</td><td data-label="From">{{with .EventContextData}}{{.IpAddress}}{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>No sign-in events.</p>{{end}}{{end}}
{{end}}{{template "foot" .}}{{end}}

{{define "outboxlist"}}{{range .Body.Messages}}<div class="msg">
<p><strong>{{.Purpose}}</strong> for {{.Username}} in {{.PoolID}}, by {{.Medium}} to {{.Destination}}, {{whenTime .Time}}</p>
<p>Code: <code class="code">{{.Code}}</code> <button type="button" class="secondary" data-copy="{{.Code}}" hidden>Copy code</button></p>
</div>{{else}}<p>No messages yet.</p>{{end}}{{end}}

{{define "outbox"}}{{template "head" .}}{{with .Body}}
{{if .Enabled}}<p>The codes Cognate would have sent, newest first{{with .Pool}}, of pool {{.}} (<a href="{{prefix}}/outbox">all pools</a>){{end}}. The list updates itself every two seconds; without script, reload the page.</p>
<h2>Messages</h2>
<div data-live="{{.Live}}">{{template "outboxlist" $}}</div>
{{else}}<p>This server sends codes by email (--smtp-url): there is no development outbox.</p>{{end}}
{{end}}{{template "foot" .}}{{end}}

{{define "tokens"}}{{template "head" .}}
<form method="post" action="{{prefix}}/tokens">{{template "csrf" .CSRF}}
<label for="token">JWT (an ID or access token)</label>
<textarea id="token" name="token" spellcheck="false" autocomplete="off" required>{{.Body.Token}}</textarea>
<button type="submit">Inspect</button></form>
{{with .Body.Result}}
<h2>Verdict</h2>
{{if .Refused}}<p class="alert" id="verdict">Refused: {{.Refused}}</p>{{else}}<p class="info" id="verdict">Accepted{{with .Pool}}: a genuine token of pool {{.}}{{end}}.</p>{{end}}
<ul class="checks">{{range .Checks}}<li class="{{if .OK}}ok{{else}}bad{{end}}">{{.Text}}</li>{{end}}</ul>
{{with .Header}}<h2>Header</h2><pre>{{.}}</pre>{{end}}
{{with .Claims}}<h2>Claims</h2><table class="cards"><thead><tr><th scope="col">Claim</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead><tbody>
{{range .}}<tr><td data-label="Claim">{{.Name}}</td><td data-label="Value">{{.Value}}</td><td data-label="Meaning">{{.Note}}</td></tr>{{end}}
</tbody></table>{{end}}
{{end}}
{{template "foot" .}}{{end}}
`))

// actionData is one button of the user page's actions.
type actionData struct {
	P       *page
	A, L, C string
}

func actionOf(p *page, action, label, class string) actionData {
	return actionData{P: p, A: action, L: label, C: class}
}
