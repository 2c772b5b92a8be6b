package main

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// The console's journey (console.test.mjs) needs a pool of many users, a
// sign-up waiting for its code, and a way to try signing in as an
// application would.

const consolePassword = "Corr3ct-Horse!"

// consoleUsers is how many users the console's pool holds besides newbie.
const consoleUsers = 150

func (h *harness) consoleRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /control/console/seed", h.consoleSeed)
	mux.HandleFunc("POST /control/console/signin", h.consoleSignIn)
	mux.HandleFunc("POST /control/console/resend", h.consoleResend)
}

// consoleSeed makes the pool: users user000 to user149 with their emails
// and passwords, two groups, an app client, and newbie, signed up through
// the client and not yet confirmed (the code is in the outbox).
func (h *harness) consoleSeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pool, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-console"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		DeviceConfiguration:    &types.DeviceConfigurationType{DeviceOnlyRememberedOnUserPrompt: true},
		UserPoolAddOns:         &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	poolID := *pool.UserPool.Id
	client, err := h.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Console test app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, g := range []string{"admins", "staff"} {
		if _, err := h.admin.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(g),
			Description: aws.String("The " + g)}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, consoleUsers)
	sem := make(chan struct{}, 4)
	for i := range consoleUsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := fmt.Sprintf("user%03d", i)
			_, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
					{Name: aws.String("email_verified"), Value: aws.String("true")}}})
			if err == nil {
				_, err = h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
					Password: aws.String(consolePassword), Permanent: true})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	anon := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: h.admin.Options().BaseEndpoint, RetryMaxAttempts: 1})
	if _, err := anon.SignUp(ctx, &cip.SignUpInput{ClientId: client.UserPoolClient.ClientId, Username: aws.String("newbie"), Password: aws.String(consolePassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("newbie@example.com")}}}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, appInfo{PoolID: poolID, ClientID: *client.UserPoolClient.ClientId})
}

// consoleSignIn signs a user in with USER_PASSWORD_AUTH, as an application
// would, and says how it went.
func (h *harness) consoleSignIn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	anon := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: h.admin.Options().BaseEndpoint, RetryMaxAttempts: 1})
	out, err := anon.InitiateAuth(r.Context(), &cip.InitiateAuthInput{ClientId: aws.String(q.Get("client")), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": q.Get("user"), "PASSWORD": consolePassword}})
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		writeJSON(w, map[string]string{"error": ae.ErrorCode(), "message": ae.ErrorMessage()})
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	case out.AuthenticationResult == nil:
		writeJSON(w, map[string]string{"error": "challenge " + string(out.ChallengeName)})
	default:
		writeJSON(w, map[string]string{"accessToken": *out.AuthenticationResult.AccessToken, "idToken": *out.AuthenticationResult.IdToken})
	}
}

// consoleResend asks for a new confirmation code, as an application would.
func (h *harness) consoleResend(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	anon := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: h.admin.Options().BaseEndpoint, RetryMaxAttempts: 1})
	if _, err := anon.ResendConfirmationCode(r.Context(), &cip.ResendConfirmationCodeInput{ClientId: aws.String(q.Get("client")), Username: aws.String(q.Get("user"))}); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, map[string]bool{"sent": true})
}
