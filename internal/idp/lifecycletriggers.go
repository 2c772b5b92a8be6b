package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// The user's lifecycle triggers: PostConfirmation (ConfirmSignUp,
// AdminConfirmSignUp, an auto-confirmed SignUp, ConfirmForgotPassword),
// PreAuthentication and PostAuthentication (called by package signin
// through signinCore).

// postConfirmation calls the pool's PostConfirmation function for a user
// just confirmed (source: one of triggers.SourcePostConfirmation*).
//
// Cognito invokes it "just after" the confirmation, and an error it returns
// reaches the caller (UserLambdaValidationException "PostConfirmation failed
// with error ..."); Cognito does not document an undo, and the reports of
// its behaviour agree that the user stays CONFIRMED (and for
// ConfirmForgotPassword the new password stays set). Cognate does the same:
// the confirmation is written first and kept whatever the function answers.
// A caller that retries ConfirmSignUp then gets NotAuthorizedException
// "User cannot be confirmed. Current status is CONFIRMED", as on Cognito.
func (s *Service) postConfirmation(ctx context.Context, p *pool, u *store.User, source, clientID string, metadata map[string]string) error {
	_, err := s.callTrigger(ctx, p, triggers.PostConfirmation, &triggers.Event{TriggerSource: source, UserName: u.Username,
		CallerContext: triggers.CallerContext{ClientID: clientID},
		Request:       triggers.PostConfirmationRequest{UserAttributes: triggerAttributes(p, u), ClientMetadata: metadata}}, nil)
	return err
}

// signInMetadata is the ClientMetadata of the sign-in request being
// answered, and whether that request started the sign-in (InitiateAuth,
// AdminInitiateAuth) or answered a challenge: Cognito gives the first to
// PreAuthentication (as validationData) and only the second to
// PostAuthentication.
type signInMetadata struct {
	initiate bool
	m        map[string]string
}

type signInMetadataKey struct{}

func withSignInMetadata(ctx context.Context, initiate bool, m map[string]string) context.Context {
	return context.WithValue(ctx, signInMetadataKey{}, signInMetadata{initiate: initiate, m: m})
}

// initiateMetadata is the ClientMetadata of the InitiateAuth or
// AdminInitiateAuth being answered (nil otherwise).
func initiateMetadata(ctx context.Context) map[string]string {
	if md, ok := ctx.Value(signInMetadataKey{}).(signInMetadata); ok && md.initiate {
		return md.m
	}
	return nil
}

// callMetadata is the ClientMetadata of the sign-in call being answered,
// InitiateAuth's or RespondToAuthChallenge's (the custom challenge
// triggers take either).
func callMetadata(ctx context.Context) map[string]string {
	md, _ := ctx.Value(signInMetadataKey{}).(signInMetadata)
	return md.m
}

// respondMetadata is the ClientMetadata of the RespondToAuthChallenge or
// AdminRespondToAuthChallenge being answered (nil otherwise).
func respondMetadata(ctx context.Context) map[string]string {
	if md, ok := ctx.Value(signInMetadataKey{}).(signInMetadata); ok && !md.initiate {
		return md.m
	}
	return nil
}

// BeforeAuthentication calls the pool's PreAuthentication function for a
// sign-in about to check u's password. For a phantom (an unknown user of a
// client that hides user existence) Cognito still calls it, with
// userNotFound true and no attributes; userNotFound is sent only by such
// clients. The function's error refuses the sign-in.
func (k signinCore) BeforeAuthentication(ctx context.Context, sc signin.Client, u *store.User, phantom bool) error {
	c := sc.(*client)
	req := triggers.PreAuthenticationRequest{UserAttributes: map[string]string{}, ValidationData: initiateMetadata(ctx)}
	if !phantom {
		req.UserAttributes = triggerAttributes(c.pool, u)
	}
	if c.preventExistence() {
		req.UserNotFound = &phantom
	}
	_, err := k.s.callTrigger(ctx, c.pool, triggers.PreAuthentication, &triggers.Event{TriggerSource: triggers.SourcePreAuthentication,
		UserName: u.Username, CallerContext: triggers.CallerContext{ClientID: c.rec.ID}, Request: req}, nil)
	return err
}

// AfterAuthentication calls the pool's PostAuthentication function for a
// sign-in that is complete, before any token is issued; newDevice says the
// sign-in named no remembered device (so a new one is about to be issued).
// newDeviceUsed is sent only in pools that remember devices, as Cognito
// documents. The function's error fails the sign-in: no tokens.
func (k signinCore) AfterAuthentication(ctx context.Context, sc signin.Client, u *store.User, newDevice bool) error {
	c := sc.(*client)
	req := triggers.PostAuthenticationRequest{UserAttributes: triggerAttributes(c.pool, u), ClientMetadata: respondMetadata(ctx)}
	if c.pool.doc.DeviceConfiguration != nil {
		req.NewDeviceUsed = &newDevice
	}
	_, err := k.s.callTrigger(ctx, c.pool, triggers.PostAuthentication, &triggers.Event{TriggerSource: triggers.SourcePostAuthentication,
		UserName: u.Username, CallerContext: triggers.CallerContext{ClientID: c.rec.ID}, Request: req}, nil)
	return err
}
