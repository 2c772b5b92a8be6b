package triggers

// Each trigger's request and response members, as Cognito documents them
// ("Customizing user pool workflows with Lambda triggers"). The trigger
// sources (Event.TriggerSource) are named beside each trigger.

// Trigger sources of PreSignUp.
const (
	SourcePreSignUp          = "PreSignUp_SignUp"
	SourcePreSignUpAdmin     = "PreSignUp_AdminCreateUser"
	SourcePreSignUpFederated = "PreSignUp_ExternalProvider"
)

// PreSignUpRequest is PreSignUp's request.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// PreSignUpResponse is PreSignUp's response.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// Trigger sources of PreTokenGeneration: the sign-in that completed (with
// a password, after NEW_PASSWORD_REQUIRED, after a device's proof), a
// refresh, the hosted pages, and (V3_0 only) the client_credentials grant.
const (
	SourceTokenHostedAuth         = "TokenGeneration_HostedAuth"
	SourceTokenAuthentication     = "TokenGeneration_Authentication"
	SourceTokenNewPassword        = "TokenGeneration_NewPasswordChallenge"
	SourceTokenAuthenticateDevice = "TokenGeneration_AuthenticateDevice"
	SourceTokenRefresh            = "TokenGeneration_RefreshTokens"
	SourceTokenClientCredentials  = "TokenGeneration_ClientCredentials"
)

// GroupConfiguration is PreTokenGeneration's groupConfiguration (the
// user's groups, their IAM roles and the preferred role) and the shape of
// its answer's groupOverrideDetails. In an answer, a null member changes
// nothing.
type GroupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

// PreTokenGenerationRequest is PreTokenGeneration's request; Scopes is
// sent in V2_0 and V3_0 events only.
type PreTokenGenerationRequest struct {
	UserAttributes     map[string]string  `json:"userAttributes"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	ClientMetadata     map[string]string  `json:"clientMetadata,omitempty"`
	Scopes             []string           `json:"scopes,omitempty"`
}

// PreTokenGenerationResponse is PreTokenGeneration's response: a V1_0
// function answers claimsOverrideDetails, a V2_0 or V3_0 one
// claimsAndScopeOverrideDetails.
type PreTokenGenerationResponse struct {
	ClaimsOverrideDetails         *ClaimsOverrideDetails         `json:"claimsOverrideDetails,omitempty"`
	ClaimsAndScopeOverrideDetails *ClaimsAndScopeOverrideDetails `json:"claimsAndScopeOverrideDetails,omitempty"`
}

// ClaimsOverrideDetails is a V1_0 answer: it changes the ID token only
// (and the groups of both tokens). Its claim values must be strings.
type ClaimsOverrideDetails struct {
	ClaimsToAddOrOverride map[string]any      `json:"claimsToAddOrOverride"`
	ClaimsToSuppress      []string            `json:"claimsToSuppress"`
	GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails"`
}

// ClaimsAndScopeOverrideDetails is a V2_0 or V3_0 answer: claims of both
// tokens (any JSON value), the access token's scopes, and the groups.
type ClaimsAndScopeOverrideDetails struct {
	IDTokenGeneration     *TokenGeneration    `json:"idTokenGeneration"`
	AccessTokenGeneration *TokenGeneration    `json:"accessTokenGeneration"`
	GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails"`
}

// TokenGeneration is the change of one token in a V2_0 or V3_0 answer
// (the scopes are the access token's only).
type TokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress"`
	ScopesToAdd           []string       `json:"scopesToAdd"`
	ScopesToSuppress      []string       `json:"scopesToSuppress"`
}

// Trigger sources of PostConfirmation: ConfirmSignUp, AdminConfirmSignUp
// and a SignUp that PreSignUp auto-confirms give the first;
// ConfirmForgotPassword the second.
const (
	SourcePostConfirmationSignUp = "PostConfirmation_ConfirmSignUp"
	SourcePostConfirmationForgot = "PostConfirmation_ConfirmForgotPassword"
)

// PostConfirmationRequest is PostConfirmation's request. Its response has
// no members: the function's answer changes nothing.
type PostConfirmationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// Trigger source of PreAuthentication.
const SourcePreAuthentication = "PreAuthentication_Authentication"

// PreAuthenticationRequest is PreAuthentication's request: validationData
// is the ClientMetadata of InitiateAuth or AdminInitiateAuth; userNotFound
// is set only for app clients that hide user existence
// (PreventUserExistenceErrors ENABLED), true for an unknown user. Its
// response has no members: only an error changes anything (it refuses the
// sign-in).
type PreAuthenticationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData,omitempty"`
	UserNotFound   *bool             `json:"userNotFound,omitempty"`
}

// Trigger source of PostAuthentication.
const SourcePostAuthentication = "PostAuthentication_Authentication"

// PostAuthenticationRequest is PostAuthentication's request: newDeviceUsed
// is set only in pools that remember devices; clientMetadata is that of
// RespondToAuthChallenge or AdminRespondToAuthChallenge (never
// InitiateAuth's). Its response has no members.
type PostAuthenticationRequest struct {
	NewDeviceUsed  *bool             `json:"newDeviceUsed,omitempty"`
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// Trigger sources of CustomMessage: one for each message Cognito sends.
const (
	SourceCustomMessageSignUp              = "CustomMessage_SignUp"
	SourceCustomMessageAdminCreateUser     = "CustomMessage_AdminCreateUser"
	SourceCustomMessageResendCode          = "CustomMessage_ResendCode"
	SourceCustomMessageForgotPassword      = "CustomMessage_ForgotPassword"
	SourceCustomMessageUpdateUserAttribute = "CustomMessage_UpdateUserAttribute"
	SourceCustomMessageVerifyUserAttribute = "CustomMessage_VerifyUserAttribute"
	SourceCustomMessageAuthentication      = "CustomMessage_Authentication"
)

// CustomMessageRequest is CustomMessage's request. UsernameParameter is
// null but for CustomMessage_AdminCreateUser, as Cognito sends it.
type CustomMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is CustomMessage's response: null members leave
// the pool's own message in place. Cognito sends it with every member null.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// Trigger sources of UserMigration.
const (
	SourceUserMigrationAuthentication = "UserMigration_Authentication"
	SourceUserMigrationForgotPassword = "UserMigration_ForgotPassword"
)

// UserMigrationRequest is UserMigration's request. Password is the one the
// user typed (UserMigration_Authentication only).
type UserMigrationRequest struct {
	Password       string            `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// UserMigrationResponse is UserMigration's response.
type UserMigrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        string            `json:"finalUserStatus"`
	MessageAction          string            `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     bool              `json:"forceAliasCreation"`
}

// Trigger sources of the custom authentication challenge triggers
// (CUSTOM_AUTH).
const (
	SourceDefineAuthChallenge = "DefineAuthChallenge_Authentication"
	SourceCreateAuthChallenge = "CreateAuthChallenge_Authentication"
	SourceVerifyAuthChallenge = "VerifyAuthChallengeResponse_Authentication"
)

// ChallengeResult is one entry of a custom sign-in's session: a challenge
// the user was given and whether it was passed, in the order given.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is DefineAuthChallenge's request.
type DefineAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse is DefineAuthChallenge's response.
type DefineAuthChallengeResponse struct {
	ChallengeName      string `json:"challengeName"`
	IssueTokens        bool   `json:"issueTokens"`
	FailAuthentication bool   `json:"failAuthentication"`
}

// CreateAuthChallengeRequest is CreateAuthChallenge's request.
type CreateAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is CreateAuthChallenge's response.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          string            `json:"challengeMetadata"`
}

// VerifyAuthChallengeRequest is VerifyAuthChallengeResponse's request.
type VerifyAuthChallengeRequest struct {
	UserAttributes             map[string]string `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound               bool              `json:"userNotFound"`
}

// VerifyAuthChallengeAnswer is VerifyAuthChallengeResponse's response (the
// trigger's own name is taken by its constant).
type VerifyAuthChallengeAnswer struct {
	AnswerCorrect bool `json:"answerCorrect"`
}
