package idp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
	"github.com/google/uuid"
)

// User statuses.
const (
	StatusUnconfirmed   = signin.StatusUnconfirmed
	StatusConfirmed     = signin.StatusConfirmed
	StatusForceChange   = signin.StatusForceChange
	StatusResetRequired = signin.StatusResetRequired
)

// Code purposes.
const (
	purposeSignUp = "signup"
)

// signUpCodeTTL is how long a sign-up code stays valid (Cognito: 24 hours).
const signUpCodeTTL = 24 * time.Hour

var standardAttributes = map[string]bool{
	"address": true, "birthdate": true, "email": true, "email_verified": true, "family_name": true, "gender": true,
	"given_name": true, "locale": true, "middle_name": true, "name": true, "nickname": true, "phone_number": true,
	"phone_number_verified": true, "picture": true, "preferred_username": true, "profile": true, "updated_at": true,
	"website": true, "zoneinfo": true,
}

var (
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	phonePattern = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

func errUserNotFound() error { return api.Errorf(api.ErrUserNotFound, api.MsgUserNotFound) }

// caseSensitive reports whether usernames keep their case: pools say so in
// UsernameConfiguration.CaseSensitive; Cognito's API default is true.
func (p *pool) caseSensitive() bool {
	var uc struct{ CaseSensitive *bool }
	if json.Unmarshal(p.doc.UsernameConfiguration, &uc) != nil || uc.CaseSensitive == nil {
		return true
	}
	return *uc.CaseSensitive
}

// canonicalName is the form a sign-in name is stored and looked up in: as
// given, or lower-cased in a case-insensitive pool.
func (p *pool) canonicalName(name string) string {
	if p.caseSensitive() {
		return name
	}
	return strings.ToLower(name)
}

// poolName is the part of the pool id after the first underscore: the SRP
// "pool name" of the protocol.
func poolName(id string) string { return signin.SRPPoolName(id) }

// resolveUser finds a user by username, or by a sign-in attribute when the
// pool uses email or phone as username or alias.
func (s *Service) resolveUser(ctx context.Context, p *pool, name string) (*store.User, error) {
	name = p.canonicalName(name)
	u, err := s.st.GetUser(ctx, p.rec.ID, name)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	for _, attr := range signInAttributes(p) {
		users, err := s.st.FindUsers(ctx, p.rec.ID, &store.Filter{Attr: attr, Value: name}, "", 2)
		if err != nil {
			return nil, internal(err)
		}
		for _, cand := range users {
			// An alias only signs in once verified; a username attribute always.
			if contains(p.doc.UsernameAttributes, attr) || cand.Attributes[attr+"_verified"] == "true" || attr == "preferred_username" {
				return cand, nil
			}
		}
	}
	return nil, errUserNotFound()
}

func signInAttributes(p *pool) []string {
	if len(p.doc.UsernameAttributes) > 0 {
		return p.doc.UsernameAttributes
	}
	return p.doc.AliasAttributes
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkPassword enforces the pool's password policy with Cognito's messages.
// passwordClasses reports which of the policy's character classes pw has.
func passwordClasses(pw string) (upper, lower, digit, symbol bool) {
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	return
}

func checkPassword(p *pool, pw string) error {
	pol := p.doc.Policies.PasswordPolicy
	fail := func(why string) error {
		return api.Errorf(api.ErrInvalidPassword, api.MsgPasswordPolicy, why)
	}
	min := 8
	if pol.MinimumLength != nil {
		min = int(*pol.MinimumLength)
	}
	if len([]rune(pw)) < min {
		return fail(api.MsgPasswordTooShort)
	}
	if len(pw) > 256 {
		return fail(api.MsgPasswordTooLong)
	}
	upper, lower, digit, symbol := passwordClasses(pw)
	switch {
	case pol.RequireUppercase && !upper:
		return fail(api.MsgPasswordNeedsUpper)
	case pol.RequireLowercase && !lower:
		return fail(api.MsgPasswordNeedsLower)
	case pol.RequireNumbers && !digit:
		return fail(api.MsgPasswordNeedsNumber)
	case pol.RequireSymbols && !symbol:
		return fail(api.MsgPasswordNeedsSymbol)
	}
	return nil
}

// setPassword stores a fresh SRP salt and verifier for pw.
func (s *Service) setPassword(u *store.User, pw string) error {
	salt, err := srp.NewSalt()
	if err != nil {
		return err
	}
	v := srp.Verifier(poolName(u.PoolID), u.Username, pw, salt)
	u.Salt = salt
	u.Verifier = s.seal.Encrypt(v, seal.LabelVerifier(u.PoolID, u.Username))
	return nil
}

// passwordMatches recomputes the verifier from pw and compares in constant
// time: the verifier is the only stored credential.
func (s *Service) passwordMatches(u *store.User, pw string) (bool, error) {
	if len(u.Verifier) == 0 {
		// No password (a user imported from a CSV file): compared as a
		// phantom user's, which nothing matches, in a real one's time.
		ph := signin.Phantom(s.seal, u.PoolID, u.Username)
		c := *u
		c.Salt, c.Verifier = ph.Salt, ph.Verifier
		u = &c
	}
	want, err := s.seal.Decrypt(u.Verifier, seal.LabelVerifier(u.PoolID, u.Username))
	if err != nil {
		return false, internal(err)
	}
	got := srp.Verifier(poolName(u.PoolID), u.Username, pw, u.Salt)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// checkAttributes validates attribute names and values against the pool.
func checkAttributes(p *pool, attrs []api.AttributeType) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range attrs {
		if a.Name == "sub" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSubNotMutable)
		}
		if !standardAttributes[a.Name] && !customDeclared(p, a.Name) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAttributeNotInSchema, a.Name)
		}
		v := ""
		if a.Value != nil {
			v = *a.Value
		}
		switch a.Name {
		case "email":
			if !emailPattern.MatchString(v) {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidEmail)
			}
		case "phone_number":
			if !phonePattern.MatchString(v) {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPhone)
			}
		case "email_verified", "phone_number_verified":
			if v != "true" && v != "false" {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidBoolean, a.Name)
			}
		}
		out[a.Name] = v
	}
	return out, nil
}

func customDeclared(p *pool, name string) bool {
	if !strings.HasPrefix(name, "custom:") {
		return false
	}
	for _, sa := range p.doc.Schema {
		if sa.Name == name || "custom:"+sa.Name == name {
			return true
		}
	}
	return false
}

func requiredMissing(p *pool, attrs map[string]string) error {
	if missing := missingRequired(p, attrs); len(missing) > 0 {
		return api.Errorf(api.ErrInvalidParameter, api.MsgAttributeRequired, missing[0])
	}
	return nil
}

// codeLength is the length of the codes newCode makes.
const codeLength = 6

func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%06d", n.Int64())
}

func (s *Service) codeHash(u *store.User, purpose, code string) []byte {
	return s.seal.MAC(seal.MACCode, u.PoolID, u.Username, purpose, code)
}

// mask hides most of a destination, as Cognito does ("a***@e***").
func mask(medium, dest string) string {
	if medium == "EMAIL" {
		local, domain, _ := strings.Cut(dest, "@")
		return firstRune(local) + "***@" + firstRune(domain) + "***"
	}
	if len(dest) > 4 {
		return "+*******" + dest[len(dest)-4:]
	}
	return "***"
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// verificationTarget picks where a sign-up code goes: the first
// auto-verified attribute the user has.
func verificationTarget(p *pool, attrs map[string]string) (attr, medium, dest string) {
	for _, a := range p.doc.AutoVerifiedAttributes {
		if v := attrs[a]; v != "" {
			if a == "email" {
				return a, "EMAIL", v
			}
			return a, "SMS", v
		}
	}
	return "", "", ""
}

// issueCode stores a fresh code for purpose on u (inside an update) and
// returns the message to deliver once the write is done.
func (s *Service) issueCode(u *store.User, purpose, attr, medium, dest string, ttl time.Duration) (Message, *api.CodeDeliveryDetails) {
	code := newCode()
	if u.Codes == nil {
		u.Codes = map[string]store.Code{}
	}
	now := s.now()
	u.Codes[purpose] = store.Code{Hash: s.codeHash(u, purpose, code), Expires: now.Add(ttl)}
	return Message{PoolID: u.PoolID, Username: u.Username, Destination: dest, Medium: medium, Purpose: purpose, Code: code, Time: now},
		&api.CodeDeliveryDetails{Destination: mask(medium, dest), DeliveryMedium: medium, AttributeName: attr}
}

// useCode checks and spends a code of purpose on u (inside an update).
// A wrong code is counted and written with u (see codelimits.go), so call
// it before the update changes anything else on u.
func (s *Service) useCode(u *store.User, purpose, code string) error {
	if err := s.codeGuessAllowed(u, purpose); err != nil {
		return err
	}
	c, ok := u.Codes[purpose]
	if !ok {
		return s.codeGuessFailed(u, purpose, api.Errorf(api.ErrCodeMismatch, api.MsgCodeMismatch))
	}
	match := false
	for _, h := range s.seal.MACs("code", u.PoolID, u.Username, purpose, code) {
		match = match || subtle.ConstantTimeCompare(c.Hash, h) == 1
	}
	if !match {
		return s.codeGuessFailed(u, purpose, api.Errorf(api.ErrCodeMismatch, api.MsgCodeMismatch))
	}
	if !s.now().Before(c.Expires) {
		return api.Errorf(api.ErrExpiredCode, api.MsgCodeExpired)
	}
	s.codeGuessSucceeded(u, purpose)
	delete(u.Codes, purpose)
	return nil
}

// SignUp answers SignUp.
func (s *Service) SignUp(ctx context.Context, in *api.SignUpInput) (*api.SignUpOutput, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	p := c.pool
	if p.adminCreateOnly() {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgSignUpNotPermitted)
	}
	password := "" // omitted or blank: a passwordless user (signup.go)
	if in.Password != nil {
		password = *in.Password
	}
	attrs, err := checkAttributes(p, in.UserAttributes)
	if err == nil {
		err = c.checkWritable(in.UserAttributes)
	}
	if err != nil {
		return nil, err
	}
	username := p.canonicalName(in.Username)
	sub := uuid.NewString()
	if len(p.doc.UsernameAttributes) > 0 {
		// The name given is an email or phone; the username becomes the sub.
		switch {
		case contains(p.doc.UsernameAttributes, "email") && emailPattern.MatchString(in.Username):
			attrs["email"] = username
		case contains(p.doc.UsernameAttributes, "phone_number") && phonePattern.MatchString(in.Username):
			attrs["phone_number"] = in.Username
		default:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUsernameEmailOrPhone)
		}
		username = sub
	} else if emailPattern.MatchString(in.Username) && len(p.doc.AliasAttributes) > 0 && contains(p.doc.AliasAttributes, "email") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUsernameIsEmailAlias)
	}
	if err := requiredMissing(p, attrs); err != nil {
		return nil, err
	}
	if password == "" {
		if err := passwordlessSignUp(c, attrs); err != nil {
			return nil, err
		}
	} else if err := checkPassword(p, password); err != nil {
		return nil, err
	}
	for _, attr := range p.doc.UsernameAttributes {
		if v := attrs[attr]; v != "" {
			if others, err := s.st.FindUsers(ctx, p.rec.ID, &store.Filter{Attr: attr, Value: v}, "", 1); err != nil {
				return nil, internal(err)
			} else if len(others) > 0 {
				return nil, api.Errorf(api.ErrUsernameExists, api.MsgAccountWithAttributeExists, attr)
			}
		}
	}
	var pre triggers.PreSignUpResponse
	if _, err := s.callTrigger(ctx, p, triggers.PreSignUp, &triggers.Event{TriggerSource: triggers.SourcePreSignUp, UserName: username,
		CallerContext: triggers.CallerContext{ClientID: c.rec.ID},
		Request:       triggers.PreSignUpRequest{UserAttributes: attrs, ValidationData: attrMap(in.ValidationData), ClientMetadata: in.ClientMetadata}}, &pre); err != nil {
		return nil, err
	}
	status := StatusUnconfirmed
	if pre.AutoConfirmUser {
		status = StatusConfirmed
	}
	autoVerify(attrs, pre)
	now := s.now()
	u := &store.User{PoolID: p.rec.ID, Username: username, Sub: sub, Status: status, Enabled: true,
		Created: now, Updated: now, Attributes: attrs, Codes: map[string]store.Code{}}
	if password != "" {
		if err := s.newPassword(p, u, password); err != nil {
			return nil, internal(err)
		}
	}
	attr, medium, dest := verificationTarget(p, attrs)
	var msg Message
	var details *api.CodeDeliveryDetails
	if attr != "" && !pre.AutoConfirmUser {
		custom, err := s.customMessage(ctx, p, messageRequest{source: triggers.SourceCustomMessageSignUp, user: u, clientID: c.rec.ID,
			meta: in.ClientMetadata, mediums: []string{medium}, codeLen: codeLength})
		if err != nil {
			return nil, err
		}
		msg, details = s.issueCode(u, purposeSignUp, attr, medium, dest, signUpCodeTTL)
		msg.custom = custom
	}
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.Errorf(api.ErrUsernameExists, api.MsgUserExists)
		}
		return nil, internal(err)
	}
	if details != nil {
		s.deliver(ctx, p, msg)
	}
	if pre.AutoConfirmUser {
		// A user PreSignUp confirms is confirmed by SignUp: Cognito's SignUp
		// reference names PostConfirmation among the triggers SignUp calls,
		// with its ClientMetadata. Its refusal comes back as SignUp's error
		// and the user stays, confirmed (postConfirmation).
		if err := s.postConfirmation(ctx, p, u, triggers.SourcePostConfirmationSignUp, c.rec.ID, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	out := &api.SignUpOutput{UserConfirmed: pre.AutoConfirmUser, CodeDeliveryDetails: details, UserSub: sub}
	if details != nil {
		out.Session = s.signUpSession(c, u, details.DeliveryMedium)
	}
	return out, nil
}

// clientUser loads the client and the user that a public user operation
// names, checking the client's secret hash against the names the caller may
// have hashed. For an unknown user it returns the client with the
// UserNotFoundException (after the hash check) for the caller to map.
func (s *Service) clientUser(ctx context.Context, clientID, name, secretHash string) (*client, *store.User, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.resolveUser(ctx, c.pool, name)
	if err != nil {
		if api.IsCode(err, api.ErrUserNotFound) {
			if herr := c.checkSecretHash(secretHash, name); herr != nil {
				return nil, nil, herr
			}
		}
		return c, nil, err
	}
	if err := c.checkSecretHash(secretHash, name, u.Username); err != nil {
		return nil, nil, err
	}
	return c, u, nil
}

func errNoClientUser() error {
	return api.Errorf(api.ErrUserNotFound, api.MsgUsernameClientNotFound)
}

// ConfirmSignUp answers ConfirmSignUp.
func (s *Service) ConfirmSignUp(ctx context.Context, in *api.ConfirmSignUpInput) (*api.ConfirmSignUpOutput, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if api.IsCode(err, api.ErrUserNotFound) {
		if c.preventExistence() {
			return nil, s.phantomCodeGuess(ctx, c.pool, in.Username, purposeSignUp)
		}
		return nil, errNoClientUser()
	}
	if err != nil {
		return nil, err
	}
	if in.Session != "" {
		if err := s.auth.CheckSignUpSession(c, u, in.Session); err != nil {
			return nil, err
		}
	}
	var medium string
	confirmed, err := s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return api.Errorf(api.ErrNotAuthorized, api.MsgCannotConfirm, u.Status)
		}
		if err := s.useCode(u, purposeSignUp, in.ConfirmationCode); err != nil {
			return err
		}
		u.Status = StatusConfirmed
		attr, m, _ := verificationTarget(c.pool, u.Attributes)
		if attr != "" {
			u.Attributes[attr+"_verified"] = "true"
		}
		medium = m
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, c.pool, confirmed, triggers.SourcePostConfirmationSignUp, c.rec.ID, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &api.ConfirmSignUpOutput{Session: s.confirmedSession(c, confirmed, medium)}, nil
}

// updateUser runs fn on the stored user atomically, mapping store errors.
func (s *Service) updateUser(ctx context.Context, u *store.User, fn func(*store.User) error) (*store.User, error) {
	fn, kept := keepWrites(fn)
	// u is the caller's copy, mostly just read: a store that can use it
	// (PostgreSQL) saves a locked read; it is right whatever u holds.
	var out *store.User
	var err error
	if up, ok := s.st.(store.SeenUserUpdater); ok {
		out, err = up.UpdateSeenUser(ctx, u, fn)
	} else {
		out, err = s.st.UpdateUser(ctx, u.PoolID, u.Username, fn)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserNotFound()
	}
	if err != nil {
		return nil, internal(err)
	}
	if *kept != nil {
		return nil, *kept
	}
	return out, nil
}

// ResendConfirmationCode answers ResendConfirmationCode.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *api.ResendConfirmationCodeInput) (*api.CodeDeliveryOutput, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if api.IsCode(err, api.ErrUserNotFound) {
		return nil, errNoClientUser()
	}
	if err != nil {
		return nil, err
	}
	if err := s.limitCodeSends(ctx, u, purposeSignUp); err != nil {
		return nil, err
	}
	// Checked before the CustomMessage function is asked for the text, and
	// again in the update.
	if u.Status != StatusUnconfirmed {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAlreadyConfirmed)
	}
	attr, medium, _ := verificationTarget(c.pool, u.Attributes)
	if attr == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAutoVerificationOff)
	}
	custom, err := s.customMessage(ctx, c.pool, messageRequest{source: triggers.SourceCustomMessageResendCode, user: u, clientID: c.rec.ID,
		meta: in.ClientMetadata, mediums: []string{medium}, codeLen: codeLength})
	if err != nil {
		return nil, err
	}
	var msg Message
	var details *api.CodeDeliveryDetails
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return api.Errorf(api.ErrInvalidParameter, api.MsgAlreadyConfirmed)
		}
		attr, medium, dest := verificationTarget(c.pool, u.Attributes)
		if attr == "" {
			return api.Errorf(api.ErrInvalidParameter, api.MsgAutoVerificationOff)
		}
		msg, details = s.issueCode(u, purposeSignUp, attr, medium, dest, signUpCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	msg.custom = custom
	s.deliver(ctx, c.pool, msg)
	return &api.CodeDeliveryOutput{CodeDeliveryDetails: details}, nil
}

// adminUser loads the pool and user an admin operation names.
func (s *Service) adminUser(ctx context.Context, poolID, username string) (*pool, *store.User, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.resolveUser(ctx, p, username)
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

// AdminConfirmSignUp answers AdminConfirmSignUp.
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *api.AdminConfirmSignUpInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	confirmed, err := s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusUnconfirmed {
			return api.Errorf(api.ErrNotAuthorized, api.MsgCannotConfirm, u.Status)
		}
		u.Status = StatusConfirmed
		delete(u.Codes, purposeSignUp)
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The same source as ConfirmSignUp: Cognito's list of trigger sources
	// has none of its own for AdminConfirmSignUp.
	if err := s.postConfirmation(ctx, p, confirmed, triggers.SourcePostConfirmationSignUp, adminClientID, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

func attributeList(u *store.User, only []string) []api.AttributeType {
	return orderedAttributes(u, only) // Cognito's order: attrorder.go
}

// mfaSettings is a user's PreferredMfaSetting and UserMFASettingList: the
// factors the user turned on (and can use).
func mfaSettings(u *store.User) (preferred string, list []string) {
	if u.SMSMFAEnabled && u.Attributes["phone_number"] != "" {
		list = append(list, signin.ChallengeSMSMFA)
	}
	if u.TOTPEnabled && len(u.TOTPSecret) > 0 {
		list = append(list, "SOFTWARE_TOKEN_MFA")
	}
	if u.EmailMFAEnabled && u.Attributes["email"] != "" {
		list = append(list, signin.ChallengeEmailOTP)
	}
	return u.PreferredMFA, list
}

// AdminGetUser answers AdminGetUser.
func (s *Service) AdminGetUser(ctx context.Context, in *api.AdminGetUserInput) (*api.AdminGetUserOutput, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	pref, list := mfaSettings(u)
	return &api.AdminGetUserOutput{Username: u.Username, UserAttributes: attributeList(u, nil), UserCreateDate: api.At(u.Created),
		UserLastModifiedDate: api.At(u.Updated), Enabled: u.Enabled, UserStatus: u.Status, PreferredMfaSetting: pref, UserMFASettingList: list}, nil
}

// GetUser answers GetUser.
func (s *Service) GetUser(ctx context.Context, in *api.GetUserInput) (*api.GetUserOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	pref, list := mfaSettings(a.user)
	return &api.GetUserOutput{Username: a.user.Username, UserAttributes: a.client.readable(attributeList(a.user, nil)), PreferredMfaSetting: pref, UserMFASettingList: list}, nil
}

// setEnabled backs AdminEnableUser and AdminDisableUser.
func (s *Service) setEnabled(ctx context.Context, poolID, username string, enabled bool) (*api.Empty, error) {
	_, u, err := s.adminUser(ctx, poolID, username)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		u.Enabled = enabled
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !enabled {
		// A disabled user's refresh tokens stop working at once.
		if err := s.st.RevokeUserRefreshTokens(ctx, u.PoolID, u.Username); err != nil {
			return nil, internal(err)
		}
	}
	return &api.Empty{}, nil
}

// AdminDisableUser answers AdminDisableUser.
func (s *Service) AdminDisableUser(ctx context.Context, in *api.AdminDisableUserInput) (*api.Empty, error) {
	return s.setEnabled(ctx, in.UserPoolId, in.Username, false)
}

// AdminEnableUser answers AdminEnableUser.
func (s *Service) AdminEnableUser(ctx context.Context, in *api.AdminEnableUserInput) (*api.Empty, error) {
	return s.setEnabled(ctx, in.UserPoolId, in.Username, true)
}
