package console

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

type sessionKey struct{}

func withSession(ctx context.Context, s *session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func csrfOf(r *http.Request) string {
	if s, ok := r.Context().Value(sessionKey{}).(*session); ok {
		return s.CSRF
	}
	return ""
}

// page is what every template gets.
type page struct {
	Title   string
	Section string // the navigation entry to mark current
	CSRF    string
	Error   string
	Info    string
	Body    any
}

func (c *Console) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, p); err != nil {
		c.cfg.Logger.Error("console template", "template", name, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders an error of the domain on a page of its own.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, title string, err error) {
	status := http.StatusBadRequest
	msg := "Internal error."
	if e, ok := api.As(err); ok {
		msg = e.Code + ": " + e.Message
		if e.Code == api.ErrResourceNotFound || e.Code == api.ErrUserNotFound {
			status = http.StatusNotFound
		}
		if e.Code == api.ErrInternal {
			status = http.StatusInternalServerError
		}
	} else {
		status = http.StatusInternalServerError
	}
	if status == http.StatusInternalServerError {
		c.cfg.Logger.Error("console", "err", err)
	}
	c.render(w, status, "error", &page{Title: title, CSRF: csrfOf(r), Error: msg})
}

func (c *Console) pools(w http.ResponseWriter, r *http.Request) {
	type row struct {
		api.UserPoolDescription
		Triggers []string
	}
	next := r.URL.Query().Get("next")
	out, err := c.d.listPools(r.Context(), next)
	if err != nil {
		c.fail(w, r, "User pools", err)
		return
	}
	rows := make([]row, 0, len(out.UserPools))
	for _, p := range out.UserPools {
		rows = append(rows, row{UserPoolDescription: p, Triggers: triggers(p.LambdaConfig)})
	}
	c.render(w, http.StatusOK, "pools", &page{Title: "User pools", Section: "pools", CSRF: csrfOf(r),
		Body: map[string]any{"Pools": rows, "Next": out.NextToken}})
}

// triggers lists the trigger names a LambdaConfig sets.
func triggers(raw json.RawMessage) []string {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if v != "" {
				out = append(out, k)
			}
		case map[string]any:
			if len(v) > 0 {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

type clientRow struct {
	Name, ID  string
	HasSecret bool
	Flows     []string
	OAuth     []string
}

func (c *Console) pool(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.URL.Query().Get("id")
	p, err := c.d.describePool(ctx, id)
	if err != nil {
		c.fail(w, r, "User pool", err)
		return
	}
	mfa, err := c.d.mfaConfig(ctx, id)
	if err != nil {
		c.fail(w, r, "User pool", err)
		return
	}
	var clients []clientRow
	next := ""
	for range 10 { // 600 clients at most on one page
		out, err := c.d.listClients(ctx, id, next)
		if err != nil {
			c.fail(w, r, "User pool", err)
			return
		}
		for _, cl := range out.UserPoolClients {
			row := clientRow{Name: cl.ClientName, ID: cl.ClientId}
			if d, err := c.d.describeClient(ctx, id, cl.ClientId); err == nil && d.UserPoolClient != nil {
				row.HasSecret = d.UserPoolClient.ClientSecret != ""
				row.Flows = d.UserPoolClient.ExplicitAuthFlows
				row.OAuth = d.UserPoolClient.AllowedOAuthFlows
			}
			clients = append(clients, row)
		}
		if next = out.NextToken; next == "" {
			break
		}
	}
	var groups []api.GroupType
	next = ""
	for range 10 {
		out, err := c.d.listGroups(ctx, id, next)
		if err != nil {
			c.fail(w, r, "User pool", err)
			return
		}
		groups = append(groups, out.Groups...)
		if next = out.NextToken; next == "" {
			break
		}
	}
	up := p.UserPool
	c.render(w, http.StatusOK, "pool", &page{Title: "User pool " + up.Name, Section: "pools", CSRF: csrfOf(r),
		Body: map[string]any{"Pool": up, "MFA": mfaSummary(mfa), "SignIn": signInSummary(up), "Triggers": triggers(up.LambdaConfig),
			"Devices": deviceSummary(up.DeviceConfiguration), "Clients": clients, "Groups": groups}})
}

func mfaSummary(m *api.UserPoolMfaConfig) string {
	mode := map[string]string{"": "Off", "OFF": "Off", "ON": "Required", "OPTIONAL": "Optional"}[m.MfaConfiguration]
	var factors []string
	if m.SoftwareTokenMfaConfiguration != nil && m.SoftwareTokenMfaConfiguration.Enabled {
		factors = append(factors, "authenticator app (TOTP)")
	}
	if len(m.SmsMfaConfiguration) > 0 && string(m.SmsMfaConfiguration) != "null" {
		factors = append(factors, "SMS")
	}
	if len(m.EmailMfaConfiguration) > 0 && string(m.EmailMfaConfiguration) != "null" {
		factors = append(factors, "email")
	}
	if len(factors) > 0 && mode != "Off" {
		return mode + ": " + strings.Join(factors, ", ")
	}
	return mode
}

func signInSummary(p *api.UserPoolType) string {
	switch {
	case len(p.UsernameAttributes) > 0:
		return strings.Join(p.UsernameAttributes, " or ") + " as the username"
	case len(p.AliasAttributes) > 0:
		return "username, or the alias " + strings.Join(p.AliasAttributes, ", ")
	}
	return "username"
}

func deviceSummary(d *api.DeviceConfiguration) string {
	switch {
	case d == nil:
		return "Not remembered"
	case d.DeviceOnlyRememberedOnUserPrompt && d.ChallengeRequiredOnNewDevice:
		return "Remembered when the user agrees; new devices must pass MFA"
	case d.DeviceOnlyRememberedOnUserPrompt:
		return "Remembered when the user agrees"
	case d.ChallengeRequiredOnNewDevice:
		return "Always remembered; new devices must pass MFA"
	}
	return "Always remembered"
}

// searchAttrs are the attributes ListUsers filters on, as its Filter names them.
var searchAttrs = []string{"username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "sub", "cognito:user_status", "status"}

// filterOf builds ListUsers' Filter from the search form.
func filterOf(attr, match, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	if !slices.Contains(searchAttrs, attr) {
		return "", api.Errorf(api.ErrInvalidParameter, api.MsgInvalidSearchAttribute, attr)
	}
	op := "^="
	if match == "equals" {
		op = "="
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value)
	return attr + " " + op + ` "` + esc + `"`, nil
}

type userRow struct {
	api.UserType
	Email string
	MFA   string
}

// pageSize is the users page's length: one ListUsers call (Cognito's
// largest Limit), so a page costs the same on a pool of any size.
const pageSize = 60

func (c *Console) users(w http.ResponseWriter, r *http.Request) {
	ctx, q := r.Context(), r.URL.Query()
	pool := q.Get("pool")
	attr, match, value, next := q.Get("attr"), q.Get("match"), q.Get("q"), q.Get("next")
	if attr == "" {
		attr = "username"
	}
	p, err := c.d.describePool(ctx, pool)
	if err != nil {
		c.fail(w, r, "Users", err)
		return
	}
	body := map[string]any{"Pool": p.UserPool, "Attrs": searchAttrs, "Attr": attr, "Match": match, "Q": value}
	pg := &page{Title: "Users of " + p.UserPool.Name, Section: "pools", CSRF: csrfOf(r), Body: body, Info: doneMessage(q.Get("done"))}
	filter, err := filterOf(attr, match, value)
	var out *api.ListUsersOutput
	if err == nil {
		out, err = c.d.listUsers(ctx, pool, filter, next, pageSize)
	}
	if err != nil {
		e, ok := api.As(err)
		if !ok || e.Code == api.ErrInternal {
			c.fail(w, r, "Users", err)
			return
		}
		pg.Error = e.Code + ": " + e.Message
		c.render(w, http.StatusBadRequest, "users", pg)
		return
	}
	rows := make([]userRow, 0, len(out.Users))
	for _, u := range out.Users {
		row := userRow{UserType: u, MFA: "—"}
		for _, a := range u.Attributes {
			if a.Name == "email" && a.Value != nil {
				row.Email = *a.Value
			}
		}
		// One read per listed user: the page's cost stays bounded by its length.
		if g, err := c.d.getUser(ctx, pool, u.Username); err == nil {
			row.MFA = mfaOfUser(g)
		}
		rows = append(rows, row)
	}
	body["Users"] = rows
	if out.PaginationToken != "" {
		v := url.Values{"pool": {pool}, "attr": {attr}, "match": {match}, "q": {value}, "next": {out.PaginationToken}}
		body["Next"] = Prefix + "/users?" + v.Encode()
	}
	if next != "" {
		v := url.Values{"pool": {pool}, "attr": {attr}, "match": {match}, "q": {value}}
		body["First"] = Prefix + "/users?" + v.Encode()
	}
	c.render(w, http.StatusOK, "users", pg)
}

func mfaOfUser(u *api.AdminGetUserOutput) string {
	if len(u.UserMFASettingList) == 0 {
		return "None"
	}
	names := make([]string, 0, len(u.UserMFASettingList))
	for _, m := range u.UserMFASettingList {
		n := map[string]string{"SOFTWARE_TOKEN_MFA": "Authenticator app", "SMS_MFA": "SMS", "EMAIL_OTP": "Email"}[m]
		if n == "" {
			n = m
		}
		if m == u.PreferredMfaSetting {
			n += " (preferred)"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// doneMessage says what an action did; only known actions have one, so
// nothing from the URL is echoed.
func doneMessage(action string) string {
	return map[string]string{
		"confirm":        "The user is confirmed.",
		"confirm-code":   "The sign-up is confirmed with the code.",
		"disable":        "The user is disabled: sign-ins and their tokens are refused.",
		"enable":         "The user is enabled.",
		"reset-password": "The password is reset: the user must set a new one with the code sent.",
		"sign-out":       "The user is signed out everywhere: refresh tokens and their access tokens are revoked.",
		"delete":         "The user is deleted.",
		"add-to-group":   "The user is added to the group.",
	}[action]
}

func (c *Console) user(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c.showUser(w, r, q.Get("pool"), q.Get("u"), doneMessage(q.Get("done")), "", http.StatusOK)
}

func (c *Console) showUser(w http.ResponseWriter, r *http.Request, pool, username, info, errMsg string, status int) {
	ctx := r.Context()
	p, err := c.d.describePool(ctx, pool)
	if err != nil {
		c.fail(w, r, "User", err)
		return
	}
	u, err := c.d.getUser(ctx, pool, username)
	if err != nil {
		c.fail(w, r, "User", err)
		return
	}
	body := map[string]any{"Pool": p.UserPool, "User": u, "MFA": mfaOfUser(u)}
	if d, err := c.d.devices(ctx, pool, username); err == nil {
		body["Devices"] = d.Devices
	} else {
		body["DevicesError"] = errText(err)
	}
	if g, err := c.d.groupsForUser(ctx, pool, username); err == nil {
		body["Groups"] = g.Groups
	}
	if all, err := c.d.listGroups(ctx, pool, ""); err == nil {
		body["AllGroups"] = all.Groups
	}
	if cl, err := c.d.listClients(ctx, pool, ""); err == nil {
		body["Clients"] = cl.UserPoolClients
	}
	if ev, err := c.d.authEvents(ctx, pool, username); err == nil {
		body["Events"] = ev.AuthEvents
	} else if api.IsCode(err, "UserPoolAddOnNotEnabledException") {
		body["EventsError"] = "Not recorded: as in Cognito, sign-in events are kept when the pool's UserPoolAddOns.AdvancedSecurityMode is AUDIT or ENFORCED."
	} else {
		body["EventsError"] = errText(err)
	}
	c.render(w, status, "user", &page{Title: "User " + u.Username, Section: "pools", CSRF: csrfOf(r), Info: info, Error: errMsg, Body: body})
}

func errText(err error) string {
	if e, ok := api.As(err); ok {
		return e.Code + ": " + e.Message
	}
	return "Internal error."
}

// userAction runs a user page's action, then shows the page again (or,
// after a delete, the pool's users).
func (c *Console) userAction(w http.ResponseWriter, r *http.Request) {
	ctx, f := r.Context(), r.PostForm
	pool, username, action := f.Get("pool"), f.Get("u"), f.Get("action")
	var err error
	switch action {
	case "add-to-group":
		err = c.d.addToGroup(ctx, pool, username, f.Get("group"))
	case "confirm-code":
		err = c.d.confirmWithCode(ctx, f.Get("client"), username, strings.TrimSpace(f.Get("code")))
	case "delete":
		if f.Get("sure") != "yes" {
			err = api.Errorf(api.ErrInvalidParameter, api.MsgConsoleConfirmDeletion)
			break
		}
		err = c.d.userAction(ctx, action, pool, username)
	default:
		err = c.d.userAction(ctx, action, pool, username)
	}
	if err != nil {
		if e, ok := api.As(err); !ok || e.Code == api.ErrInternal || e.Code == api.ErrResourceNotFound || e.Code == api.ErrUserNotFound {
			c.fail(w, r, "User", err)
			return
		}
		c.showUser(w, r, pool, username, "", errText(err), http.StatusBadRequest)
		return
	}
	if action == "delete" {
		http.Redirect(w, r, Prefix+"/users?"+url.Values{"pool": {pool}, "done": {action}}.Encode(), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, Prefix+"/user?"+url.Values{"pool": {pool}, "u": {username}, "done": {action}}.Encode(), http.StatusSeeOther)
}

// outboxView is the outbox, newest first, optionally of one pool.
func (c *Console) outboxView(r *http.Request) []idp.Message {
	if c.cfg.Outbox == nil {
		return nil
	}
	msgs := c.cfg.Outbox.Messages(r.URL.Query().Get("pool"), "")
	slices.Reverse(msgs)
	return msgs
}

func (c *Console) outbox(w http.ResponseWriter, r *http.Request) {
	pool := r.URL.Query().Get("pool")
	live := Prefix + "/outbox/list"
	if pool != "" {
		live += "?" + url.Values{"pool": {pool}}.Encode()
	}
	c.render(w, http.StatusOK, "outbox", &page{Title: "Outbox", Section: "outbox", CSRF: csrfOf(r),
		Body: map[string]any{"Messages": c.outboxView(r), "Enabled": c.cfg.Outbox != nil, "Live": live, "Pool": pool}})
}

// outboxList is the outbox's list alone, which the page's script fetches
// to update itself.
func (c *Console) outboxList(w http.ResponseWriter, r *http.Request) {
	c.render(w, http.StatusOK, "outboxlist", &page{Body: map[string]any{"Messages": c.outboxView(r)}})
}
