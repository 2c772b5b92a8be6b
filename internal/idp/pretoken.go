package idp

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/tokens"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// The pre token generation trigger runs wherever tokens are issued: a
// completed sign-in (package signin asks through signinCore), a refresh,
// the hosted pages' code and implicit grants, and, with a V3_0 function
// only, the client_credentials grant. Its answer becomes a
// tokens.Customization that the issuer applies; its refusal ends the
// request before a refresh token or device is stored.

type clientMetadataKey struct{}

// withClientMetadata gives the triggers of a request the caller's
// ClientMetadata. Cognito passes it to pre token generation from
// RespondToAuthChallenge, AdminRespondToAuthChallenge and
// GetTokensFromRefreshToken, not from InitiateAuth or AdminInitiateAuth.
func withClientMetadata(ctx context.Context, m map[string]string) context.Context {
	if len(m) == 0 {
		return ctx
	}
	return context.WithValue(ctx, clientMetadataKey{}, m)
}

func clientMetadata(ctx context.Context) map[string]string {
	m, _ := ctx.Value(clientMetadataKey{}).(map[string]string)
	return m
}

// pagesRequest reports whether ctx is a request of the server's own pages.
func pagesRequest(ctx context.Context) bool { return ctx.Value(pagesKey{}) != nil }

// preTokenGeneration calls the pool's pre token generation function, if
// it has one, for tokens about to be issued to c for u (nil for the
// client_credentials grant, which only a V3_0 function sees) with scope,
// and returns what its answer changes (nil for nothing).
func (s *Service) preTokenGeneration(ctx context.Context, c *client, u *store.User, source, scope string) (*tokens.Customization, error) {
	arn, version := c.pool.trigger(triggers.PreTokenGeneration)
	if arn == "" || (u == nil && version != "V3_0") {
		return nil, nil
	}
	req := triggers.PreTokenGenerationRequest{UserAttributes: map[string]string{},
		GroupConfiguration: triggers.GroupConfiguration{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}},
		ClientMetadata:     clientMetadata(ctx)}
	name := ""
	if u != nil {
		name = u.Username
		req.UserAttributes = triggerAttributes(c.pool, u)
		groups, roles, preferred := tokenGroups(c.pool, u)
		if groups != nil {
			req.GroupConfiguration.GroupsToOverride = groups
		}
		if roles != nil {
			req.GroupConfiguration.IAMRolesToOverride = roles
		}
		if preferred != "" {
			req.GroupConfiguration.PreferredRole = &preferred
		}
	}
	v2 := version == "V2_0" || version == "V3_0"
	if v2 {
		req.Scopes = strings.Fields(scope)
		if req.Scopes == nil {
			req.Scopes = []string{}
		}
	}
	var resp triggers.PreTokenGenerationResponse
	// Choice: the client_credentials event names no user (userName is
	// empty), as there is none.
	ev := &triggers.Event{TriggerSource: source, UserName: name, CallerContext: triggers.CallerContext{ClientID: c.rec.ID}, Request: req}
	if _, err := s.callTrigger(ctx, c.pool, triggers.PreTokenGeneration, ev, &resp); err != nil {
		return nil, err
	}
	if !v2 {
		return customizationV1(resp.ClaimsOverrideDetails)
	}
	return customizationV2(resp.ClaimsAndScopeOverrideDetails), nil
}

// customizationV1 reads a V1_0 answer: ID token claims, whose values
// must be strings (another value makes the answer unusable, Cognate's
// choice), and the group override.
func customizationV1(d *triggers.ClaimsOverrideDetails) (*tokens.Customization, error) {
	if d == nil {
		return nil, nil
	}
	cz := &tokens.Customization{IDSuppress: d.ClaimsToSuppress}
	for k, v := range d.ClaimsToAddOrOverride {
		if v == nil {
			continue
		}
		if _, ok := v.(string); !ok {
			return nil, api.Errorf(api.ErrInvalidLambdaResponse, api.MsgLambdaUnrecognized)
		}
		if cz.IDAdd == nil {
			cz.IDAdd = map[string]any{}
		}
		cz.IDAdd[k] = v
	}
	groupOverride(cz, d.GroupOverrideDetails)
	return cz, nil
}

// customizationV2 reads a V2_0 or V3_0 answer.
func customizationV2(d *triggers.ClaimsAndScopeOverrideDetails) *tokens.Customization {
	if d == nil {
		return nil
	}
	cz := &tokens.Customization{}
	if t := d.IDTokenGeneration; t != nil {
		cz.IDAdd, cz.IDSuppress = t.ClaimsToAddOrOverride, t.ClaimsToSuppress
	}
	if t := d.AccessTokenGeneration; t != nil {
		cz.AccessAdd, cz.AccessSuppress = t.ClaimsToAddOrOverride, t.ClaimsToSuppress
		cz.ScopesAdd, cz.ScopesSuppress = t.ScopesToAdd, t.ScopesToSuppress
	}
	groupOverride(cz, d.GroupOverrideDetails)
	return cz
}

// groupOverride takes an answer's groupOverrideDetails: a member given
// (an empty list too) replaces the user's, a null one changes nothing.
func groupOverride(cz *tokens.Customization, g *triggers.GroupConfiguration) {
	if g == nil {
		return
	}
	if g.GroupsToOverride != nil {
		groups := g.GroupsToOverride
		cz.Groups = &groups
	}
	if g.IAMRolesToOverride != nil {
		roles := g.IAMRolesToOverride
		cz.Roles = &roles
	}
	cz.PreferredRole = g.PreferredRole
}

// PreTokenGeneration is preTokenGeneration for package signin: a sign-in
// through the API gets the API's scope. The hosted pages' sign-in is not
// one: its tokens are issued at the code exchange, and the trigger runs
// for those (HostedPreTokenGeneration), once.
func (k signinCore) PreTokenGeneration(ctx context.Context, c signin.Client, u *store.User, source string) (*tokens.Customization, error) {
	if pagesRequest(ctx) {
		return nil, nil
	}
	return k.s.preTokenGeneration(ctx, c.(*client), u, source, tokens.APIScope)
}

// HostedPreTokenGeneration runs the pre token generation trigger
// (TokenGeneration_HostedAuth) for the tokens of a hosted sign-in, the one
// refreshToken came from, with the granted scope. Its answer, sealed with
// the authorization code, is given back to CodeTokens. A refusal ends the
// sign-in: its refresh token is revoked.
func (s *Service) HostedPreTokenGeneration(ctx context.Context, clientID, refreshToken, scope string) (json.RawMessage, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if arn, _ := c.pool.trigger(triggers.PreTokenGeneration); arn == "" {
		return nil, nil
	}
	rt, err := s.findRefreshToken(ctx, refreshToken)
	if err != nil {
		return nil, internal(err)
	}
	u, err := s.st.GetUser(ctx, rt.PoolID, rt.Username)
	if err != nil {
		return nil, internal(err)
	}
	cz, err := s.preTokenGeneration(ctx, c, u, triggers.SourceTokenHostedAuth, scope)
	if err != nil {
		if endErr := s.tok.End(ctx, rt); endErr != nil {
			return nil, endErr
		}
		return nil, err
	}
	if cz == nil {
		return nil, nil
	}
	b, err := json.Marshal(cz)
	if err != nil {
		return nil, internal(err)
	}
	return b, nil
}
