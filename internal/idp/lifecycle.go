package idp

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
	"github.com/google/uuid"
)

// The rest of a user's life: invitations with temporary passwords,
// password recovery and changes, attributes and their verification.

const (
	purposeInvitation   = "invitation"
	purposeForgot       = "forgot-password"
	purposeVerifyPrefix = "verify:"
	// forgotCodeTTL: Cognito's password-reset codes last one hour.
	forgotCodeTTL = time.Hour
	// verifyCodeTTL: attribute verification codes last 24 hours.
	verifyCodeTTL = 24 * time.Hour
)

func (p *pool) temporaryPasswordValidity() time.Duration {
	days := int32(7)
	if pp := p.doc.Policies.PasswordPolicy; pp != nil && pp.TemporaryPasswordValidityDays != nil {
		days = *pp.TemporaryPasswordValidityDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// temporaryPassword makes a password that satisfies any policy.
func temporaryPassword() string {
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 3) + randomString("abcdefghijkmnopqrstuvwxyz", 4) + randomString("23456789", 3) + randomString("^$*.!@#%&", 2)
}

// AdminCreateUser answers AdminCreateUser: the user starts in
// FORCE_CHANGE_PASSWORD with a temporary password, sent as an invitation
// unless MessageAction is SUPPRESS. Required attributes may be left out: as
// Cognito documents, the user supplies them when answering
// NEW_PASSWORD_REQUIRED.
func (s *Service) AdminCreateUser(ctx context.Context, in *api.AdminCreateUserInput) (*api.AdminCreateUserOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.MessageAction == "RESEND" {
		// A resend names a user who exists: it must not be refused for
		// the email that user already signs in with.
		return s.resendInvitation(ctx, p, in)
	}
	attrs, err := checkAttributes(p, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	username := p.canonicalName(in.Username)
	sub := uuid.NewString()
	if len(p.doc.UsernameAttributes) > 0 {
		switch {
		case contains(p.doc.UsernameAttributes, "email") && emailPattern.MatchString(username):
			attrs["email"] = username // already lower-cased in a case-insensitive pool
		case contains(p.doc.UsernameAttributes, "phone_number") && phonePattern.MatchString(username):
			attrs["phone_number"] = username
		default:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUsernameEmailOrPhone)
		}
		username = sub
		if err := s.checkSignInAttributeFree(ctx, p, attrs, ""); err != nil {
			return nil, err
		}
	}
	var mediums []string
	if in.MessageAction != "SUPPRESS" {
		// Checked before the user is created, so that a refused invitation
		// leaves nothing behind and the admin can simply try again.
		if mediums, err = inviteMediums(p, attrs, in.DesiredDeliveryMediums); err != nil {
			return nil, err
		}
	}
	pw := temporaryPassword()
	if in.TemporaryPassword != nil && *in.TemporaryPassword != "" {
		pw = *in.TemporaryPassword
		if err := checkPassword(p, pw); err != nil {
			return nil, err
		}
	}
	var pre triggers.PreSignUpResponse
	if _, err := s.callTrigger(ctx, p, triggers.PreSignUp, &triggers.Event{TriggerSource: triggers.SourcePreSignUpAdmin, UserName: username,
		CallerContext: triggers.CallerContext{ClientID: "CLIENT_ID_NOT_APPLICABLE"},
		Request:       triggers.PreSignUpRequest{UserAttributes: attrs, ValidationData: attrMap(in.ValidationData), ClientMetadata: in.ClientMetadata}}, &pre); err != nil {
		return nil, err
	}
	// An administrator's user must still set a password: autoConfirmUser
	// changes nothing here, the verifications do (Cognito's documented
	// answer for PreSignUp_AdminCreateUser).
	autoVerify(attrs, pre)
	now := s.now()
	u := &store.User{PoolID: p.rec.ID, Username: username, Sub: sub, Status: StatusForceChange, Enabled: true,
		Created: now, Updated: now, Attributes: attrs, Codes: map[string]store.Code{}, PasswordExpires: now.Add(p.temporaryPasswordValidity())}
	if err := s.setPassword(u, pw); err != nil {
		return nil, internal(err)
	}
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.Errorf(api.ErrUsernameExists, api.MsgUserAccountExists)
		}
		return nil, internal(err)
	}
	s.invite(ctx, p, u, pw, mediums)
	return &api.AdminCreateUserOutput{User: createdUserType(u, in.UserAttributes)}, nil
}

// smsConfigured reports whether the pool has an SmsConfiguration: Cognito
// sends no text message without one, and neither does Cognate.
func (p *pool) smsConfigured() bool {
	c := strings.TrimSpace(string(p.doc.SmsConfiguration))
	return c != "" && c != "null" && c != "{}"
}

// inviteMediums decides where an invitation goes. Asked-for mediums must be
// deliverable (Cognito refuses EMAIL for a user without an email); with none
// asked for, the invitation goes to the email, else to the phone of a pool
// that can send SMS, else nowhere.
func inviteMediums(p *pool, attrs map[string]string, desired []string) ([]string, error) {
	if len(desired) == 0 {
		switch {
		case attrs["email"] != "":
			return []string{"EMAIL"}, nil
		case attrs["phone_number"] != "" && p.smsConfigured():
			return []string{"SMS"}, nil
		}
		return nil, nil
	}
	var out []string
	for _, m := range desired {
		if contains(out, m) {
			continue
		}
		switch m {
		case "EMAIL":
			if attrs["email"] == "" {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoEmailForDelivery)
			}
		case "SMS":
			if attrs["phone_number"] == "" {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoPhoneForDelivery)
			}
			if !p.smsConfigured() {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoSMSConfiguration)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// invite delivers the temporary password by each medium.
func (s *Service) invite(ctx context.Context, p *pool, u *store.User, pw string, mediums []string) {
	for _, medium := range mediums {
		dest := u.Attributes["email"]
		if medium == "SMS" {
			dest = u.Attributes["phone_number"]
		}
		msg := Message{PoolID: u.PoolID, Username: u.Username, Destination: dest, Medium: medium, Purpose: purposeInvitation, Code: pw, Time: s.now()}
		s.deliver(ctx, p, msg)
	}
}

// resendInvitation answers AdminCreateUser with MessageAction RESEND: a new
// temporary password, and a fresh validity, for a user who has not signed
// in yet.
func (s *Service) resendInvitation(ctx context.Context, p *pool, in *api.AdminCreateUserInput) (*api.AdminCreateUserOutput, error) {
	u, err := s.resolveUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	notForced := api.Errorf(api.ErrUnsupportedUserState, api.MsgResendNotForced, in.Username)
	if u.Status != StatusForceChange {
		return nil, notForced
	}
	mediums, err := inviteMediums(p, u.Attributes, in.DesiredDeliveryMediums)
	if err != nil {
		return nil, err
	}
	pw := temporaryPassword()
	if in.TemporaryPassword != nil && *in.TemporaryPassword != "" {
		pw = *in.TemporaryPassword
		if err := checkPassword(p, pw); err != nil {
			return nil, err
		}
	}
	u, err = s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusForceChange {
			return notForced
		}
		u.PasswordExpires = s.now().Add(p.temporaryPasswordValidity())
		u.Updated = s.now()
		return s.setPassword(u, pw)
	})
	if err != nil {
		return nil, err
	}
	s.invite(ctx, p, u, pw, mediums)
	return &api.AdminCreateUserOutput{User: userType(u, nil)}, nil
}

func userType(u *store.User, only []string) *api.UserType {
	return &api.UserType{Username: u.Username, Attributes: attributeList(u, only), UserCreateDate: api.At(u.Created),
		UserLastModifiedDate: api.At(u.Updated), Enabled: u.Enabled, UserStatus: u.Status}
}

// sendResetCode stores and delivers a password-reset code (inside no
// update: it makes its own).
func (s *Service) sendResetCode(ctx context.Context, p *pool, u *store.User, status string) (*api.CodeDeliveryDetails, error) {
	attr, medium, dest := recoveryContact(p, u)
	if attr == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoRecoveryDestination)
	}
	var msg Message
	var details *api.CodeDeliveryDetails
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		msg, details = s.issueCode(u, purposeForgot, attr, medium, dest, forgotCodeTTL)
		if status != "" {
			u.Status = status
		}
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, p, msg)
	return details, nil
}

// ForgotPassword answers ForgotPassword.
func (s *Service) ForgotPassword(ctx context.Context, in *api.ForgotPasswordInput) (*api.CodeDeliveryOutput, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if api.IsCode(err, api.ErrUserNotFound) && c.preventExistence() {
		if err := adminOnlyRecovery(c.pool); err != nil {
			return nil, err // as for a real user: the pool's setting, not the user, refuses
		}
		if err := s.phantomCodeSend(ctx, c.pool, in.Username, purposeForgot); err != nil {
			return nil, err
		}
		// As if a code went to an address the caller cannot see.
		return &api.CodeDeliveryOutput{CodeDeliveryDetails: &api.CodeDeliveryDetails{Destination: mask("EMAIL", in.Username+"@x"), DeliveryMedium: "EMAIL", AttributeName: "email"}}, nil
	}
	if api.IsCode(err, api.ErrUserNotFound) {
		return nil, errNoClientUser()
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	if err := adminOnlyRecovery(c.pool); err != nil {
		return nil, err
	}
	if err := s.limitCodeSends(ctx, u, purposeForgot); err != nil {
		return nil, err
	}
	details, err := s.sendResetCode(ctx, c.pool, u, "")
	if err != nil {
		return nil, err
	}
	return &api.CodeDeliveryOutput{CodeDeliveryDetails: details}, nil
}

// ConfirmForgotPassword answers ConfirmForgotPassword.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *api.ConfirmForgotPasswordInput) (*api.Empty, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if api.IsCode(err, api.ErrUserNotFound) && c.preventExistence() {
		return nil, s.phantomCodeGuess(ctx, c.pool, in.Username, purposeForgot)
	}
	if api.IsCode(err, api.ErrUserNotFound) {
		return nil, errNoClientUser()
	}
	if err != nil {
		return nil, err
	}
	if err := checkPassword(c.pool, in.Password); err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		if err := s.useCode(u, purposeForgot, in.ConfirmationCode); err != nil {
			return err
		}
		if u.Status == StatusResetRequired || u.Status == StatusForceChange {
			u.Status = StatusConfirmed
		}
		u.PasswordExpires = time.Time{}
		u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		u.Updated = s.now()
		return s.newPassword(c.pool, u, in.Password)
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// ChangePassword answers ChangePassword.
func (s *Service) ChangePassword(ctx context.Context, in *api.ChangePasswordInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.auth.CheckLock(a.user); err != nil {
		return nil, err
	}
	match, err := s.passwordMatches(a.user, in.PreviousPassword)
	if err != nil {
		return nil, err
	}
	if !match {
		return nil, s.auth.Failed(ctx, a.user, api.ErrBadCredentials)
	}
	if err := checkPassword(a.client.pool, in.ProposedPassword); err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		u.Updated = s.now()
		return s.newPassword(a.client.pool, u, in.ProposedPassword)
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// AdminSetUserPassword answers AdminSetUserPassword.
func (s *Service) AdminSetUserPassword(ctx context.Context, in *api.AdminSetUserPasswordInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(p, in.Password); err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		if in.Permanent {
			u.Status = StatusConfirmed
			u.PasswordExpires = time.Time{}
		} else {
			u.Status = StatusForceChange
			u.PasswordExpires = s.now().Add(p.temporaryPasswordValidity())
		}
		u.Updated = s.now()
		return s.newPassword(p, u, in.Password)
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// AdminResetUserPassword answers AdminResetUserPassword: the user must
// reset with a code before signing in again.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *api.AdminResetUserPasswordInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.sendResetCode(ctx, p, u, StatusResetRequired); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// checkSignInAttributeFree refuses an email or phone that another user of
// the pool signs in with.
func (s *Service) checkSignInAttributeFree(ctx context.Context, p *pool, attrs map[string]string, self string) error {
	for _, attr := range signInAttributes(p) {
		v := attrs[attr]
		if v == "" {
			continue
		}
		others, err := s.st.FindUsers(ctx, p.rec.ID, &store.Filter{Attr: attr, Value: v}, "", 2)
		if err != nil {
			return internal(err)
		}
		for _, o := range others {
			// An alias belongs to the user who verified it.
			alias := !contains(p.doc.UsernameAttributes, attr)
			if alias && o.Attributes[attr+"_verified"] != "true" && attr != "preferred_username" {
				continue
			}
			if o.Username != self {
				if self == "" && !alias {
					return api.Errorf(api.ErrUsernameExists, api.MsgAccountWithAttributeExists, attr)
				}
				return api.Errorf(api.ErrAliasExists, api.MsgAccountWithAttributeExists, attr)
			}
		}
	}
	return nil
}

// attributeWrite is an UpdateUserAttributes or AdminUpdateUserAttributes
// call, its user found.
type attributeWrite struct {
	pool       *pool
	user       *store.User
	attributes []api.AttributeType
	// setsVerified: the caller may set email_verified and
	// phone_number_verified, and so change a held address at once. Admins
	// may; users may not.
	setsVerified bool
}

// updateAttributes backs UpdateUserAttributes and AdminUpdateUserAttributes.
// A changed email or phone becomes unverified (unless an admin sets it
// verified) and, when the pool auto-verifies it, a code is sent.
func (s *Service) updateAttributes(ctx context.Context, w attributeWrite) (*api.UpdateUserAttributesOutput, error) {
	p, u := w.pool, w.user
	attrs, err := checkAttributes(p, w.attributes)
	if err != nil {
		return nil, err
	}
	for name := range attrs {
		if !w.setsVerified && (name == "email_verified" || name == "phone_number_verified") {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgModifyImmutable, name)
		}
		if immutable(p, name) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgModifyImmutable, name)
		}
	}
	if err := s.checkSignInAttributeFree(ctx, p, attrs, u.Username); err != nil {
		return nil, err
	}
	var msgs []Message
	out := &api.UpdateUserAttributesOutput{}
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		msgs, out.CodeDeliveryDetailsList = nil, nil
		for k, v := range s.holdPending(p, u, attrs, w.setsVerified, &msgs, &out.CodeDeliveryDetailsList) {
			changed := u.Attributes[k] != v
			u.Attributes[k] = v
			if (k == "email" || k == "phone_number") && changed {
				if _, set := attrs[k+"_verified"]; !set {
					u.Attributes[k+"_verified"] = "false"
				}
				if contains(p.doc.AutoVerifiedAttributes, k) && u.Attributes[k+"_verified"] != "true" {
					medium := "EMAIL"
					if k == "phone_number" {
						medium = "SMS"
					}
					msg, details := s.issueCode(u, purposeVerifyPrefix+k, k, medium, v, verifyCodeTTL)
					msgs = append(msgs, msg)
					out.CodeDeliveryDetailsList = append(out.CodeDeliveryDetailsList, *details)
				}
			}
		}
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		s.deliver(ctx, p, m)
	}
	return out, nil
}

func immutable(p *pool, name string) bool {
	for _, sa := range p.doc.Schema {
		if (sa.Name == name || "custom:"+sa.Name == name) && sa.Mutable != nil && !*sa.Mutable {
			return true
		}
	}
	return false
}

// UpdateUserAttributes answers UpdateUserAttributes.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *api.UpdateUserAttributesInput) (*api.UpdateUserAttributesOutput, error) {
	if err := s.checkTokenWritable(ctx, in.AccessToken, in.UserAttributes); err != nil {
		return nil, err
	}
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.updateAttributes(ctx, attributeWrite{pool: a.client.pool, user: a.user, attributes: in.UserAttributes})
}

// AdminUpdateUserAttributes answers AdminUpdateUserAttributes.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *api.AdminUpdateUserAttributesInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.updateAttributes(ctx, attributeWrite{pool: p, user: u, attributes: in.UserAttributes, setsVerified: true}); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// DeleteUserAttributes answers DeleteUserAttributes, for the access
// token's user.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *api.DeleteUserAttributesInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.deleteAttributes(ctx, a.client.pool, a.user, in.UserAttributeNames)
}

// AdminDeleteUserAttributes answers AdminDeleteUserAttributes.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *api.AdminDeleteUserAttributesInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.deleteAttributes(ctx, p, u, in.UserAttributeNames)
}

// deleteAttributes backs DeleteUserAttributes and AdminDeleteUserAttributes.
func (s *Service) deleteAttributes(ctx context.Context, p *pool, u *store.User, names []string) (*api.Empty, error) {
	for _, name := range names {
		if name == "sub" || immutable(p, name) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgDeleteImmutable, name)
		}
	}
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		for _, name := range names {
			delete(u.Attributes, name)
			if name == "email" || name == "phone_number" {
				delete(u.Attributes, name+"_verified")
			}
		}
		if err := requiredMissing(p, u.Attributes); err != nil {
			return err
		}
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// GetUserAttributeVerificationCode answers GetUserAttributeVerificationCode.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *api.GetUserAttributeVerificationCodeInput) (*api.CodeDeliveryOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	medium := map[string]string{"email": "EMAIL", "phone_number": "SMS"}[in.AttributeName]
	dest := pendingOr(a.user, in.AttributeName)
	if medium == "" || dest == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNothingToVerify, in.AttributeName)
	}
	if err := s.limitCodeSends(ctx, a.user, purposeVerifyPrefix+in.AttributeName); err != nil {
		return nil, err
	}
	var msg Message
	var details *api.CodeDeliveryDetails
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		msg, details = s.issueCode(u, purposeVerifyPrefix+in.AttributeName, in.AttributeName, medium, dest, verifyCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, a.client.pool, msg)
	return &api.CodeDeliveryOutput{CodeDeliveryDetails: details}, nil
}

// VerifyUserAttribute answers VerifyUserAttribute.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *api.VerifyUserAttributeInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		if err := s.useCode(u, purposeVerifyPrefix+in.AttributeName, in.Code); err != nil {
			return err
		}
		applyPending(u, in.AttributeName)
		u.Attributes[in.AttributeName+"_verified"] = "true"
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// DeleteUser answers DeleteUser: users delete themselves.
func (s *Service) DeleteUser(ctx context.Context, in *api.DeleteUserInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.st.DeleteUser(ctx, a.user.PoolID, a.user.Username); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &api.Empty{}, nil
}

// AdminDeleteUser answers AdminDeleteUser.
func (s *Service) AdminDeleteUser(ctx context.Context, in *api.AdminDeleteUserInput) (*api.Empty, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.st.DeleteUser(ctx, u.PoolID, u.Username); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errUserNotFound()
		}
		return nil, internal(err)
	}
	return &api.Empty{}, nil
}
