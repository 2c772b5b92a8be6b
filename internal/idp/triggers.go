package idp

import (
	"context"
	"encoding/json"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// trigger returns the ARN of the pool's function for a trigger (one of the
// triggers.* names, which are LambdaConfig's member names), "" when the
// pool has none. For PreTokenGeneration it also gives the event version
// (V1_0, V2_0, V3_0): PreTokenGenerationConfig wins over the older
// member, which is V1_0, as on Cognito.
func (p *pool) trigger(name string) (arn, version string) {
	if len(p.doc.LambdaConfig) == 0 {
		return "", ""
	}
	var lc map[string]json.RawMessage
	if json.Unmarshal(p.doc.LambdaConfig, &lc) != nil {
		return "", ""
	}
	if name == triggers.PreTokenGeneration {
		var c struct{ LambdaVersion, LambdaArn string }
		if json.Unmarshal(lc["PreTokenGenerationConfig"], &c) == nil && c.LambdaArn != "" {
			return c.LambdaArn, c.LambdaVersion
		}
		version = "V1_0"
	}
	if json.Unmarshal(lc[name], &arn) != nil || arn == "" {
		return "", ""
	}
	return arn, version
}

// hasTriggers reports whether the pool may call a Lambda function: any
// member of LambdaConfig set but KMSKeyID (a key, not a function). A
// LambdaConfig it cannot read counts as having some.
func (p *pool) hasTriggers() bool {
	if len(p.doc.LambdaConfig) == 0 {
		return false
	}
	var lc map[string]json.RawMessage
	if json.Unmarshal(p.doc.LambdaConfig, &lc) != nil {
		return true
	}
	for k, v := range lc {
		if k != "KMSKeyID" && string(v) != "null" && string(v) != `""` {
			return true
		}
	}
	return false
}

// callTrigger calls the pool's function for a trigger, if it has one: the
// event gets the pool, region and caller context filled in; resp (a
// pointer to the trigger's response shape, or nil) takes the answer. It
// reports whether a function was called.
func (s *Service) callTrigger(ctx context.Context, p *pool, name string, ev *triggers.Event, resp any) (bool, error) {
	arn, version := p.trigger(name)
	if arn == "" {
		return false, nil
	}
	ev.UserPoolID = p.rec.ID
	ev.Region = s.region
	if ev.Version == "" {
		ev.Version = eventVersion(version)
	}
	if ev.CallerContext.AWSSDKVersion == "" {
		ev.CallerContext.AWSSDKVersion = awsSDKVersion(ctx)
	}
	if s.triggers == nil {
		return true, api.Errorf(api.ErrUnexpectedLambda, api.MsgLambdaInvocation, name, api.MsgLambdaUnreachable)
	}
	return true, s.triggers.Call(ctx, name, arn, ev, resp)
}

// eventVersion is the event's version member for a trigger's LambdaVersion:
// "1" for every trigger but PreTokenGeneration V2_0 and V3_0, "2" and "3"
// (as the example events of Cognito's pre token generation page and the
// handler libraries' types have them).
func eventVersion(v string) string {
	switch v {
	case "V2_0":
		return "2"
	case "V3_0":
		return "3"
	}
	return "1"
}

type sdkVersionKey struct{}

// WithSDKVersion tells the triggers called for a request the caller's SDK
// (callerContext.awsSdkVersion), from its User-Agent.
func WithSDKVersion(ctx context.Context, v string) context.Context {
	return context.WithValue(ctx, sdkVersionKey{}, v)
}

// awsSDKVersion is the callerContext's awsSdkVersion: Cognito sends the
// caller's SDK, e.g. "aws-sdk-unknown-unknown" when it cannot tell.
func awsSDKVersion(ctx context.Context) string {
	if v, _ := ctx.Value(sdkVersionKey{}).(string); v != "" {
		return v
	}
	return "aws-sdk-unknown-unknown"
}

// attrMap copies attributes given as a list into a map (nil for none).
func attrMap(list []api.AttributeType) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, a := range list {
		if a.Value != nil {
			m[a.Name] = *a.Value
		}
	}
	return m
}

// autoVerify marks the email and phone number verified as a PreSignUp
// answer asks, where the user has them.
func autoVerify(attrs map[string]string, r triggers.PreSignUpResponse) {
	if r.AutoVerifyEmail && attrs["email"] != "" {
		attrs["email_verified"] = "true"
	}
	if r.AutoVerifyPhone && attrs["phone_number"] != "" {
		attrs["phone_number_verified"] = "true"
	}
}
