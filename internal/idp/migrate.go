package idp

import (
	"context"
	"errors"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
	"github.com/google/uuid"
)

// The UserMigration trigger: a sign-in with a password (USER_PASSWORD_AUTH,
// ADMIN_USER_PASSWORD_AUTH, the hosted sign-in page) or a ForgotPassword
// that names a user the pool does not have asks the pool's function for
// the user, and creates them. USER_SRP_AUTH never migrates: the password
// does not reach the server, as Cognito's guide to migration says.

const purposeWelcome = "welcome"

// The welcome message of a migrated user (messageAction not SUPPRESS).
// Cognito does not document its text; Cognate's choice, with no password.
const (
	welcomeSubject = "Welcome"
	welcomeBody    = "Your username is {username}."
)

// MigrateUser is migrateUser for package signin: UserMigration_Authentication
// with the typed name and password; InitiateAuth's ClientMetadata is the
// request's validationData, as Cognito documents it.
func (k signinCore) MigrateUser(ctx context.Context, sc signin.Client, name, password string) (*store.User, error) {
	return k.s.migrateUser(ctx, sc.(*client), migration{source: triggers.SourceUserMigrationAuthentication, name: name, password: password,
		validation: initiateMetadata(ctx)})
}

// migration is one call of the UserMigration trigger.
type migration struct {
	source, name, password string
	validation, meta       map[string]string
}

// migrateUser asks the pool's UserMigration function for a user it does not
// have and creates them, with the typed password (Authentication) or none
// (ForgotPassword). It returns nil, nil when the pool has no function.
func (s *Service) migrateUser(ctx context.Context, c *client, m migration) (*store.User, error) {
	p := c.pool
	if arn, _ := p.trigger(triggers.UserMigration); arn == "" {
		return nil, nil
	}
	var resp triggers.UserMigrationResponse
	if _, err := s.callTrigger(ctx, p, triggers.UserMigration, &triggers.Event{TriggerSource: m.source, UserName: m.name,
		CallerContext: triggers.CallerContext{ClientID: c.rec.ID},
		Request:       triggers.UserMigrationRequest{Password: m.password, ValidationData: m.validation, ClientMetadata: m.meta}}, &resp); err != nil {
		return nil, err
	}
	status := StatusConfirmed
	switch resp.FinalUserStatus {
	case "", StatusConfirmed:
	case StatusResetRequired:
		status = StatusResetRequired
	default:
		return nil, api.Errorf(api.ErrInvalidLambdaResponse, api.MsgLambdaUnrecognized)
	}
	if m.source == triggers.SourceUserMigrationForgotPassword {
		// No password came: the user sets one with the code (Cognate's
		// choice of status; Cognito documents finalUserStatus for sign-in).
		status = StatusResetRequired
	}
	var given []api.AttributeType
	for k, v := range resp.UserAttributes {
		if k == "sub" || k == "cognito:mfa_enabled" || k == "cognito:user_status" {
			continue // Cognito's own, not the function's to set
		}
		given = append(given, api.AttributeType{Name: k, Value: ptr(v)})
	}
	attrs, err := checkAttributes(p, given)
	if err != nil {
		return nil, err
	}
	sub := uuid.NewString()
	username := p.canonicalName(m.name)
	if len(p.doc.UsernameAttributes) > 0 {
		// The typed name is an email or phone: the user is known by a UUID.
		switch {
		case contains(p.doc.UsernameAttributes, "email") && emailPattern.MatchString(m.name) && attrs["email"] == "":
			attrs["email"] = username
		case contains(p.doc.UsernameAttributes, "phone_number") && phonePattern.MatchString(m.name) && attrs["phone_number"] == "":
			attrs["phone_number"] = m.name
		}
		username = sub
	}
	if err := s.claimAliases(ctx, p, attrs, resp.ForceAliasCreation); err != nil {
		return nil, err
	}
	var mediums []string
	if resp.MessageAction != "SUPPRESS" {
		if mediums, err = inviteMediums(p, attrs, resp.DesiredDeliveryMediums); err != nil {
			return nil, err
		}
	}
	now := s.now()
	u := &store.User{PoolID: p.rec.ID, Username: username, Sub: sub, Status: status, Enabled: true,
		Created: now, Updated: now, Attributes: attrs, Codes: map[string]store.Code{}}
	if m.source == triggers.SourceUserMigrationForgotPassword {
		// The reset code needs a verified email or phone: refused before
		// the user is created, so that nothing is left half done.
		if err := adminOnlyRecovery(p); err != nil {
			return nil, err
		}
		if attr, _, _ := recoveryContact(p, u); attr == "" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoRecoveryDestination)
		}
	}
	pw := m.password
	if pw == "" {
		// The user has no password until the reset: an unguessable one
		// stands in (the password policy is not applied, as Cognito does
		// not apply it to migrated passwords).
		pw = randomString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 40)
	}
	if err := s.setPassword(u, pw); err != nil {
		return nil, internal(err)
	}
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			// Migrated meanwhile by another request: sign in that user.
			return s.resolveUser(ctx, p, m.name)
		}
		return nil, internal(err)
	}
	for _, medium := range mediums {
		dest := u.Attributes["email"]
		if medium == "SMS" {
			dest = u.Attributes["phone_number"]
		}
		msg := Message{PoolID: u.PoolID, Username: u.Username, Destination: dest, Medium: medium, Purpose: purposeWelcome, Time: now}
		s.deliver(ctx, p, msg)
	}
	return u, nil
}

// claimAliases refuses sign-in attributes another user holds, unless
// forceAliasCreation asks to take them: then the other user's alias is no
// longer verified, so it stops signing them in (as AdminCreateUser's
// ForceAliasCreation does on Cognito). A username attribute (email as
// username) is never taken.
func (s *Service) claimAliases(ctx context.Context, p *pool, attrs map[string]string, force bool) error {
	err := s.checkSignInAttributeFree(ctx, p, attrs, "")
	if err == nil || !force || !api.IsCode(err, api.ErrAliasExists) {
		return err
	}
	for _, attr := range p.doc.AliasAttributes {
		v := attrs[attr]
		if v == "" || attr == "preferred_username" {
			continue
		}
		others, err := s.st.FindUsers(ctx, p.rec.ID, &store.Filter{Attr: attr, Value: v}, "", 10)
		if err != nil {
			return internal(err)
		}
		for _, o := range others {
			if o.Attributes[attr+"_verified"] != "true" {
				continue
			}
			if _, err := s.updateUser(ctx, o, func(o *store.User) error {
				o.Attributes[attr+"_verified"] = "false"
				o.Updated = s.now()
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return s.checkSignInAttributeFree(ctx, p, attrs, "")
}
