package main

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The Amplify passkey journey (amplify-passkeys.test.mjs) needs a pool whose
// users may sign in with a password or a passkey for relying party
// "localhost" (the page is served on http://localhost, a secure context), an
// app client that allows USER_AUTH, and a user with a permanent password.

const passkeyPassword = "Corr3ct-Horse!"

func (h *harness) passkeyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /control/passkeys/seed", h.passkeySeed)
}

// passkeySeed makes that pool, client and user (?user=name) and answers
// their ids and the password.
func (h *harness) passkeySeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := r.URL.Query().Get("user")
	pool, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-passkeys"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}}}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	poolID := *pool.UserPool.Id
	if _, err := h.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"),
			UserVerification: types.UserVerificationTypeRequired}}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	client, err := h.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Amplify passkey app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &user,
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &user,
		Password: aws.String(passkeyPassword), Permanent: true}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]string{"poolId": poolID, "clientId": *client.UserPoolClient.ClientId, "password": passkeyPassword})
}
