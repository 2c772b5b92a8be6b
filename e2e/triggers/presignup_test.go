package triggers_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

func attr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

// PreSignUp_SignUp sees the attributes, validation data and client
// metadata, and its autoConfirmUser / autoVerifyEmail answer confirms the
// user without a code.
func TestPreSignUpSignUpAutoConfirms(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreSignupResponse{AutoConfirmUser: true, AutoVerifyEmail: true}}
	})
	out, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", "ann@example.com")},
		ValidationData: []types.AttributeType{attr("captcha", "ok")},
		ClientMetadata: map[string]string{"source": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	if !out.UserConfirmed || out.CodeDeliveryDetails != nil {
		t.Fatalf("UserConfirmed %v, CodeDeliveryDetails %v: want confirmed and no code", out.UserConfirmed, out.CodeDeliveryDetails)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	var ev events.CognitoEventUserPoolsPreSignup
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.TriggerSource != "PreSignUp_SignUp" || ev.UserPoolID != poolID || ev.UserName != "ann" || ev.CallerContext.ClientID != clientID ||
		ev.Region != "us-east-1" || ev.Version != "1" || ev.CallerContext.AWSSDKVersion == "" {
		t.Errorf("header %+v", ev.CognitoEventUserPoolsHeader)
	}
	if ev.Request.UserAttributes["email"] != "ann@example.com" || ev.Request.ValidationData["captcha"] != "ok" || ev.Request.ClientMetadata["source"] != "web" {
		t.Errorf("request %+v", ev.Request)
	}
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ann")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status %s, want CONFIRMED", u.UserStatus)
	}
	verified := false
	for _, a := range u.UserAttributes {
		verified = verified || (*a.Name == "email_verified" && *a.Value == "true")
	}
	if !verified {
		t.Errorf("email not verified: %v", u.UserAttributes)
	}
	// The confirmed user signs in at once.
	if _, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": password}}); err != nil {
		t.Fatal(err)
	}
}

// Without an answer that confirms, the user waits for a code as usual.
func TestPreSignUpPassThroughLeavesUserUnconfirmed(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(nil)
	out, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("bob"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", "bob@example.com")}})
	if err != nil {
		t.Fatal(err)
	}
	if out.UserConfirmed || out.CodeDeliveryDetails == nil {
		t.Fatalf("UserConfirmed %v, CodeDeliveryDetails %v: want a code", out.UserConfirmed, out.CodeDeliveryDetails)
	}
	checkLossless(t, emu.Calls())
}

// A function error refuses the sign-up with Cognito's wording, and no user
// is left behind.
func TestPreSignUpRefusalCreatesNoUser(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "Email domain not allowed"}
	})
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("eve"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", "eve@example.org")}})
	wantErr(t, err, "UserLambdaValidationException", "PreSignUp failed with error Email domain not allowed.")
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("eve")})
	wantErr(t, err, "UserNotFoundException", "")
}

// PreSignUp_AdminCreateUser runs for AdminCreateUser; its refusal creates
// no user either.
func TestPreSignUpAdminCreateUser(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		var ev events.CognitoEventUserPoolsPreSignup
		_ = inv.Event(&ev)
		if ev.UserName == "mallory" {
			return lambdatest.Reply{Error: "not this one"}
		}
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreSignupResponse{AutoVerifyEmail: true}}
	})
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("carol"),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{attr("email", "carol@example.com")},
		ClientMetadata: map[string]string{"by": "admin"}}); err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PreSignUp_AdminCreateUser" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreSignup
	_ = calls[0].Event(&ev)
	if ev.Request.ClientMetadata["by"] != "admin" || ev.Request.UserAttributes["email"] != "carol@example.com" {
		t.Errorf("request %+v", ev.Request)
	}
	_, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("mallory"),
		MessageAction: types.MessageActionTypeSuppress})
	wantErr(t, err, "UserLambdaValidationException", "PreSignUp failed with error not this one.")
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("mallory")})
	wantErr(t, err, "UserNotFoundException", "")
}
