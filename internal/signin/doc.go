// Package signin runs Cognate's sign-in: InitiateAuth and
// RespondToAuthChallenge (Engine.Initiate, Engine.Respond), one small
// handler per flow or challenge behind two interfaces (flow,
// challengeHandler) registered in two tables (engine.go), one file each: a
// new way to sign in (CUSTOM_CHALLENGE, EMAIL_OTP, SMS_MFA, WEB_AUTHN,
// SELECT_CHALLENGE) is a new file and a table entry. With them go the
// sealed state that carries a sign-in from one call to the next (the
// Session, and the SRP states sealed in SECRET_BLOCK), the device tickets,
// the failed-attempt lockout, the phantom users that stand in for unknown
// ones, and the sign-in history of AdminListUserAuthEvents.
//
// It knows nothing of how pools, app clients and users are kept: it asks
// the user core (package idp) through two interfaces, Client (an app
// client with its pool) and Core (find and update users, devices, tokens,
// the new-password checks).
//
// # The state machine
//
// InitiateAuth starts a sign-in; each answer is either tokens or a
// challenge, which RespondToAuthChallenge answers with the Session it came
// with (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER and DEVICE_SRP_AUTH can
// also go without it, their state travelling in SECRET_BLOCK or a device
// ticket).
//
//	InitiateAuth
//	  USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH ─────────────┐
//	  USER_SRP_AUTH ──► PASSWORD_VERIFIER ──(SRP proof)─────────┤
//	  REFRESH_TOKEN_AUTH ──► tokens                             │
//	                                                            ▼
//	                                                   the password is right
//	                                                            │
//	   ┌────────────────────────────────────────────────────────┤
//	   │ FORCE_CHANGE_PASSWORD user ──► NEW_PASSWORD_REQUIRED ──► (the password is right)
//	   │ remembered device standing in for MFA ──► DEVICE_SRP_AUTH ──► DEVICE_PASSWORD_VERIFIER ──► tokens
//	   │ TOTP enabled (MFA ON, or OPTIONAL and chosen) ──► SOFTWARE_TOKEN_MFA ──► tokens
//	   │ SMS or email MFA (codemfa.go) ──► SMS_MFA / EMAIL_OTP (a code sent, its hash in the Session) ──► tokens
//	   │ several factors, none preferred ──► SELECT_MFA_TYPE ──(ANSWER)──► SMS_MFA / EMAIL_OTP / SOFTWARE_TOKEN_MFA
//	   │ MFA ON, no authenticator yet ──► MFA_SETUP ──► tokens
//	   │    (AssociateSoftwareToken and VerifySoftwareToken with the Session between)
//	   └ otherwise ──► tokens
//
//	  USER_AUTH (userauth.go) ──► SELECT_CHALLENGE ──(ANSWER)──┐ or straight to PREFERRED_CHALLENGE
//	    PASSWORD ──► as USER_PASSWORD_AUTH;  PASSWORD_SRP ──► PASSWORD_VERIFIER as USER_SRP_AUTH
//	    EMAIL_OTP / SMS_OTP (a code sent, its hash in the Session) ──► tokens (no MFA after it)
//	    WEB_AUTHN (CREDENTIAL_REQUEST_OPTIONS) ──(CREDENTIAL)──► tokens (MFA after it only with
//	      MFA ON and no user verification)
//
//	  CUSTOM_AUTH ──► DefineAuthChallenge ──► CUSTOM_CHALLENGE ──(Verify…)──► DefineAuthChallenge … ──► tokens or a failure
//	    (with SRP_A: DefineAuthChallenge may ask PASSWORD_VERIFIER first; customauth.go)
//
// A wrong password, SRP proof, TOTP or SMS/email code, device proof or custom challenge
// answer counts towards the lockout (CountFailure) and, in pools with
// advanced security, is recorded as a failed sign-in (Failed); tokens clear
// the count and record a passed one (Passed). Each Session yields tokens once (States.Spend), and each
// SECRET_BLOCK is spent once too.
package signin
