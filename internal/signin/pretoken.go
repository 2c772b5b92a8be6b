package signin

import (
	"context"

	"github.com/cognate-idp/cognate/internal/triggers"
)

// The pre token generation trigger is told how the sign-in that ends with
// tokens went (its trigger source). Most steps end in Engine.complete
// through shared code, so the step that knows the source puts it in the
// context: after NEW_PASSWORD_REQUIRED, after a device's password
// verifier; every other sign-in is TokenGeneration_Authentication
// (Cognate's choice for a sign-in that answers MFA after a new password:
// Authentication, as the MFA step ends it).

type tokenSourceKey struct{}

func withTokenSource(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, tokenSourceKey{}, source)
}

func tokenSource(ctx context.Context) string {
	if s, _ := ctx.Value(tokenSourceKey{}).(string); s != "" {
		return s
	}
	return triggers.SourceTokenAuthentication
}
