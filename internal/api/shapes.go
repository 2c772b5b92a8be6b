package api

import "encoding/json"

// Validation tags (see validate.go): req = required; len=MIN:MAX for strings,
// lists and maps; range=MIN:MAX for numbers; enum=A|B; pat=NAME (patterns in
// validate.go). Members that Cognate stores and returns without acting on are
// kept as raw JSON.

// ---- Shared member shapes ----

// AttributeType is one user attribute.
type AttributeType struct {
	Name  string  `v:"req,len=1:32"`
	Value *string `json:",omitempty" v:"len=0:2048"`
}

// CodeDeliveryDetails says where a code was sent.
type CodeDeliveryDetails struct {
	Destination    string `json:",omitempty"`
	DeliveryMedium string `json:",omitempty"`
	AttributeName  string `json:",omitempty"`
}

// MFASettings is the shape of SoftwareTokenMfaSettings, SMSMfaSettings and
// EmailMfaSettings.
type MFASettings struct {
	Enabled      bool
	PreferredMfa bool
}

// MFAOption is the legacy SMS MFA option list entry.
type MFAOption struct {
	DeliveryMedium string `json:",omitempty" v:"enum=SMS|EMAIL"`
	AttributeName  string `json:",omitempty" v:"len=1:32"`
}

// NewDeviceMetadata is handed out with tokens for an unknown device.
type NewDeviceMetadata struct {
	DeviceKey      string
	DeviceGroupKey string
}

// AuthenticationResult carries the tokens of a completed sign-in.
type AuthenticationResult struct {
	AccessToken       string             `json:",omitempty"`
	ExpiresIn         int32              `json:",omitempty"`
	TokenType         string             `json:",omitempty"`
	RefreshToken      string             `json:",omitempty"`
	IdToken           string             `json:",omitempty"`
	NewDeviceMetadata *NewDeviceMetadata `json:",omitempty"`
}

// ---- User pools ----

// PasswordPolicy is the pool's password rules.
type PasswordPolicy struct {
	MinimumLength                 *int32 `json:",omitempty" v:"range=6:99"`
	RequireUppercase              bool
	RequireLowercase              bool
	RequireNumbers                bool
	RequireSymbols                bool
	PasswordHistorySize           *int32 `json:",omitempty" v:"range=0:24"`
	TemporaryPasswordValidityDays *int32 `json:",omitempty" v:"range=0:365"`
}

// UserPoolPolicy groups the pool's policies.
type UserPoolPolicy struct {
	PasswordPolicy *PasswordPolicy `json:",omitempty"`
	SignInPolicy   json.RawMessage `json:",omitempty"`
}

// DeviceConfiguration is the pool's remembered-device settings.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool
	DeviceOnlyRememberedOnUserPrompt bool
}

// SchemaAttribute is one attribute of the pool schema.
type SchemaAttribute struct {
	Name                       string          `json:",omitempty" v:"len=1:20"`
	AttributeDataType          string          `json:",omitempty" v:"enum=String|Number|DateTime|Boolean"`
	DeveloperOnlyAttribute     *bool           `json:",omitempty"`
	Mutable                    *bool           `json:",omitempty"`
	Required                   *bool           `json:",omitempty"`
	NumberAttributeConstraints json.RawMessage `json:",omitempty"`
	StringAttributeConstraints json.RawMessage `json:",omitempty"`
}

// UserPoolSettings are the members CreateUserPool and UpdateUserPool share
// with UserPoolType.
type UserPoolSettings struct {
	Policies                    *UserPoolPolicy      `json:",omitempty"`
	DeletionProtection          string               `json:",omitempty" v:"enum=ACTIVE|INACTIVE"`
	LambdaConfig                json.RawMessage      `json:",omitempty"`
	AutoVerifiedAttributes      []string             `json:",omitempty" v:"enum=phone_number|email"`
	SmsVerificationMessage      string               `json:",omitempty" v:"len=6:140"`
	EmailVerificationMessage    string               `json:",omitempty" v:"len=6:20000"`
	EmailVerificationSubject    string               `json:",omitempty" v:"len=1:140"`
	VerificationMessageTemplate json.RawMessage      `json:",omitempty"`
	SmsAuthenticationMessage    string               `json:",omitempty" v:"len=6:140"`
	MfaConfiguration            string               `json:",omitempty" v:"enum=OFF|ON|OPTIONAL"`
	UserAttributeUpdateSettings json.RawMessage      `json:",omitempty"`
	DeviceConfiguration         *DeviceConfiguration `json:",omitempty"`
	EmailConfiguration          json.RawMessage      `json:",omitempty"`
	SmsConfiguration            json.RawMessage      `json:",omitempty"`
	UserPoolTags                map[string]string    `json:",omitempty"`
	AdminCreateUserConfig       json.RawMessage      `json:",omitempty"`
	UserPoolAddOns              json.RawMessage      `json:",omitempty"`
	AccountRecoverySetting      json.RawMessage      `json:",omitempty"`
	UserPoolTier                string               `json:",omitempty" v:"enum=LITE|ESSENTIALS|PLUS"`
}

// UserPoolIdentity holds the members fixed when a pool is created.
type UserPoolIdentity struct {
	AliasAttributes       []string        `json:",omitempty" v:"enum=phone_number|email|preferred_username"`
	UsernameAttributes    []string        `json:",omitempty" v:"enum=phone_number|email"`
	UsernameConfiguration json.RawMessage `json:",omitempty"`
}

// CreateUserPoolInput is CreateUserPool's request.
type CreateUserPoolInput struct {
	PoolName string            `v:"req,len=1:128,pat=poolname"`
	Schema   []SchemaAttribute `json:",omitempty" v:"len=1:50"`
	UserPoolSettings
	UserPoolIdentity
}

// UserPoolType is a pool as DescribeUserPool returns it.
type UserPoolType struct {
	Id                     string
	Name                   string
	Arn                    string
	Status                 string `json:",omitempty"`
	CreationDate           Time
	LastModifiedDate       Time
	EstimatedNumberOfUsers int32
	SchemaAttributes       []SchemaAttribute `json:",omitempty"`
	Domain                 string            `json:",omitempty"` // the prefix domain
	CustomDomain           string            `json:",omitempty"`
	UserPoolSettings
	UserPoolIdentity
}

// UserPoolDescription is a ListUserPools entry.
type UserPoolDescription struct {
	Id               string
	Name             string
	LambdaConfig     json.RawMessage `json:",omitempty"`
	Status           string          `json:",omitempty"`
	CreationDate     Time
	LastModifiedDate Time
}

// DescribeUserPoolInput is DescribeUserPool's request.
type DescribeUserPoolInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// DeleteUserPoolInput is DeleteUserPool's request.
type DeleteUserPoolInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// GetUserPoolMfaConfigInput is GetUserPoolMfaConfig's request.
type GetUserPoolMfaConfigInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// UpdateUserPoolInput is UpdateUserPool's request.
type UpdateUserPoolInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	// PoolName renames the pool; absent, the name stays.
	PoolName *string `json:",omitempty" v:"len=1:128,pat=poolname"`
	UserPoolSettings
}

// ListUserPoolsInput is ListUserPools' request.
type ListUserPoolsInput struct {
	NextToken  string `json:",omitempty" v:"len=1:131072"`
	MaxResults *int32 `v:"req,range=1:60"`
}

// ListUserPoolsOutput is ListUserPools' answer.
type ListUserPoolsOutput struct {
	UserPools []UserPoolDescription
	NextToken string `json:",omitempty"`
}

// SoftwareTokenMfaConfig is the pool's TOTP switch.
type SoftwareTokenMfaConfig struct {
	Enabled bool
}

// UserPoolMfaConfig is the answer of Set/GetUserPoolMfaConfig, and the
// settings SetUserPoolMfaConfig's request carries.
type UserPoolMfaConfig struct {
	SmsMfaConfiguration           json.RawMessage         `json:",omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfig `json:",omitempty"`
	EmailMfaConfiguration         json.RawMessage         `json:",omitempty"`
	MfaConfiguration              string                  `json:",omitempty" v:"enum=OFF|ON|OPTIONAL"`
	WebAuthnConfiguration         json.RawMessage         `json:",omitempty"`
}

// SetUserPoolMfaConfigInput is SetUserPoolMfaConfig's request.
type SetUserPoolMfaConfigInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	UserPoolMfaConfig
}

// ---- App clients ----

// TokenValidityUnits says in which unit each validity is given.
type TokenValidityUnits struct {
	AccessToken  string `json:",omitempty" v:"enum=seconds|minutes|hours|days"`
	IdToken      string `json:",omitempty" v:"enum=seconds|minutes|hours|days"`
	RefreshToken string `json:",omitempty" v:"enum=seconds|minutes|hours|days"`
}

// UserPoolClientSettings are the members shared by CreateUserPoolClient,
// UpdateUserPoolClient and UserPoolClientType.
// ClientName is not among them: CreateUserPoolClient requires it, the
// others do not.
type UserPoolClientSettings struct {
	RefreshTokenValidity                     *int32              `json:",omitempty" v:"range=0:315360000"`
	AccessTokenValidity                      *int32              `json:",omitempty" v:"range=1:86400"`
	IdTokenValidity                          *int32              `json:",omitempty" v:"range=1:86400"`
	TokenValidityUnits                       *TokenValidityUnits `json:",omitempty"`
	ReadAttributes                           []string            `json:",omitempty"`
	WriteAttributes                          []string            `json:",omitempty"`
	ExplicitAuthFlows                        []string            `json:",omitempty" v:"enum=ADMIN_NO_SRP_AUTH|CUSTOM_AUTH_FLOW_ONLY|USER_PASSWORD_AUTH|ALLOW_ADMIN_USER_PASSWORD_AUTH|ALLOW_CUSTOM_AUTH|ALLOW_USER_PASSWORD_AUTH|ALLOW_USER_SRP_AUTH|ALLOW_REFRESH_TOKEN_AUTH|ALLOW_USER_AUTH"`
	SupportedIdentityProviders               []string            `json:",omitempty"`
	CallbackURLs                             []string            `json:",omitempty" v:"len=0:100"`
	LogoutURLs                               []string            `json:",omitempty" v:"len=0:100"`
	DefaultRedirectURI                       string              `json:",omitempty" v:"len=1:1024"`
	AllowedOAuthFlows                        []string            `json:",omitempty" v:"len=0:3,enum=code|implicit|client_credentials"`
	AllowedOAuthScopes                       []string            `json:",omitempty" v:"len=0:50"`
	AllowedOAuthFlowsUserPoolClient          *bool               `json:",omitempty"`
	AnalyticsConfiguration                   json.RawMessage     `json:",omitempty"`
	PreventUserExistenceErrors               string              `json:",omitempty" v:"enum=LEGACY|ENABLED"`
	EnableTokenRevocation                    *bool               `json:",omitempty"`
	EnablePropagateAdditionalUserContextData *bool               `json:",omitempty"`
	AuthSessionValidity                      *int32              `json:",omitempty" v:"range=3:15"`
	RefreshTokenRotation                     json.RawMessage     `json:",omitempty"`
}

// CreateUserPoolClientInput is CreateUserPoolClient's request.
type CreateUserPoolClientInput struct {
	UserPoolId     string `v:"req,len=1:55,pat=poolid"`
	ClientName     string `v:"req,len=1:128,pat=clientname"`
	GenerateSecret bool
	// ClientSecret is a secret of the caller's choosing, instead of a
	// generated one.
	ClientSecret string `json:",omitempty" v:"len=24:64,pat=clientid"`
	UserPoolClientSettings
}

// UpdateUserPoolClientInput is UpdateUserPoolClient's request.
type UpdateUserPoolClientInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `v:"req,len=1:128,pat=clientid"`
	// ClientName renames the client; absent, the name stays.
	ClientName string `json:",omitempty" v:"len=1:128,pat=clientname"`
	UserPoolClientSettings
}

// UserPoolClientType is an app client as DescribeUserPoolClient returns it.
type UserPoolClientType struct {
	UserPoolId       string
	ClientId         string
	ClientSecret     string `json:",omitempty"`
	ClientName       string `json:",omitempty"`
	CreationDate     Time
	LastModifiedDate Time
	UserPoolClientSettings
}

// UserPoolClientOutput wraps a client in the answer of Create, Describe and
// UpdateUserPoolClient.
type UserPoolClientOutput struct {
	UserPoolClient *UserPoolClientType
}

// UserPoolOutput wraps a pool in the answer of CreateUserPool and
// DescribeUserPool.
type UserPoolOutput struct {
	UserPool *UserPoolType
}

// DescribeUserPoolClientInput is DescribeUserPoolClient's request.
type DescribeUserPoolClientInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `v:"req,len=1:128,pat=clientid"`
}

// DeleteUserPoolClientInput is DeleteUserPoolClient's request.
type DeleteUserPoolClientInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `v:"req,len=1:128,pat=clientid"`
}

// ListUserPoolClientsInput is ListUserPoolClients' request.
type ListUserPoolClientsInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	MaxResults *int32 `json:",omitempty" v:"range=1:60"`
	NextToken  string `json:",omitempty" v:"len=1:131072"`
}

// UserPoolClientDescription is a ListUserPoolClients entry.
type UserPoolClientDescription struct {
	ClientId   string
	UserPoolId string
	ClientName string
}

// ListUserPoolClientsOutput is ListUserPoolClients' answer.
type ListUserPoolClientsOutput struct {
	UserPoolClients []UserPoolClientDescription
	NextToken       string `json:",omitempty"`
}

// ---- Users ----

// SignUpInput is SignUp's request.
type SignUpInput struct {
	ClientId          string          `v:"req,len=1:128,pat=clientid"`
	SecretHash        string          `json:",omitempty" v:"len=1:128"`
	Username          string          `v:"req,len=1:128,pat=username"`
	Password          *string         `json:",omitempty" v:"len=0:256"`
	UserAttributes    []AttributeType `json:",omitempty"`
	ValidationData    []AttributeType `json:",omitempty"`
	ClientMetadata    map[string]string
	AnalyticsMetadata json.RawMessage
	UserContextData   json.RawMessage
}

// SignUpOutput is SignUp's answer.
type SignUpOutput struct {
	UserConfirmed       bool
	CodeDeliveryDetails *CodeDeliveryDetails `json:",omitempty"`
	UserSub             string
	Session             string `json:",omitempty"`
}

// ConfirmSignUpInput is ConfirmSignUp's request.
type ConfirmSignUpInput struct {
	ClientId           string `v:"req,len=1:128,pat=clientid"`
	SecretHash         string `json:",omitempty" v:"len=1:128"`
	Username           string `v:"req,len=1:128,pat=username"`
	ConfirmationCode   string `v:"req,len=1:2048,pat=nospace"`
	ForceAliasCreation bool
	Session            string `json:",omitempty" v:"len=20:2048"`
	ClientMetadata     map[string]string
	AnalyticsMetadata  json.RawMessage
	UserContextData    json.RawMessage
}

// ConfirmSignUpOutput is ConfirmSignUp's answer: Session signs the user in
// with USER_AUTH.
type ConfirmSignUpOutput struct {
	Session string `json:",omitempty"`
}

// ResendConfirmationCodeInput is ResendConfirmationCode's request.
type ResendConfirmationCodeInput struct {
	ClientId          string `v:"req,len=1:128,pat=clientid"`
	SecretHash        string `json:",omitempty" v:"len=1:128"`
	Username          string `v:"req,len=1:128,pat=username"`
	ClientMetadata    map[string]string
	AnalyticsMetadata json.RawMessage
	UserContextData   json.RawMessage
}

// CodeDeliveryOutput is the answer of ResendConfirmationCode and friends.
type CodeDeliveryOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetails `json:",omitempty"`
}

// AdminGetUserInput is AdminGetUser's request.
type AdminGetUserInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// AdminDeleteUserInput is AdminDeleteUser's request.
type AdminDeleteUserInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// AdminDisableUserInput is AdminDisableUser's request.
type AdminDisableUserInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// AdminEnableUserInput is AdminEnableUser's request.
type AdminEnableUserInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// AdminUserGlobalSignOutInput is AdminUserGlobalSignOut's request.
type AdminUserGlobalSignOutInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// AdminResetUserPasswordInput is AdminResetUserPassword's request.
type AdminResetUserPasswordInput struct {
	UserPoolId     string            `v:"req,len=1:55,pat=poolid"`
	Username       string            `v:"req,len=1:128,pat=username"`
	ClientMetadata map[string]string `json:",omitempty"`
}

// AdminConfirmSignUpInput is AdminConfirmSignUp's request.
type AdminConfirmSignUpInput struct {
	UserPoolId     string `v:"req,len=1:55,pat=poolid"`
	Username       string `v:"req,len=1:128,pat=username"`
	ClientMetadata map[string]string
}

// AdminGetUserOutput is AdminGetUser's answer.
type AdminGetUserOutput struct {
	Username             string
	UserAttributes       []AttributeType
	UserCreateDate       Time
	UserLastModifiedDate Time
	Enabled              bool
	UserStatus           string
	MFAOptions           []MFAOption `json:",omitempty"`
	PreferredMfaSetting  string      `json:",omitempty"`
	UserMFASettingList   []string    `json:",omitempty"`
}

// GetUserOutput is GetUser's answer.
type GetUserOutput struct {
	Username            string
	UserAttributes      []AttributeType
	MFAOptions          []MFAOption `json:",omitempty"`
	PreferredMfaSetting string      `json:",omitempty"`
	UserMFASettingList  []string    `json:",omitempty"`
}

// GetUserInput is GetUser's request.
type GetUserInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
}

// GlobalSignOutInput is GlobalSignOut's request.
type GlobalSignOutInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
}

// DeleteUserInput is DeleteUser's request.
type DeleteUserInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
}

// ListUsersInput is ListUsers' request.
type ListUsersInput struct {
	UserPoolId      string   `v:"req,len=1:55,pat=poolid"`
	AttributesToGet []string `json:",omitempty"`
	Limit           *int32   `json:",omitempty" v:"range=0:60"`
	PaginationToken string   `json:",omitempty" v:"len=1:131072"`
	Filter          string   `json:",omitempty" v:"len=0:256"`
}

// UserType is a ListUsers entry.
type UserType struct {
	Username             string
	Attributes           []AttributeType
	UserCreateDate       Time
	UserLastModifiedDate Time
	Enabled              bool
	UserStatus           string
	MFAOptions           []MFAOption `json:",omitempty"`
}

// ListUsersOutput is ListUsers' answer.
type ListUsersOutput struct {
	Users           []UserType
	PaginationToken string `json:",omitempty"`
}

// ---- Authentication ----

// InitiateAuthInput is InitiateAuth's request.
type InitiateAuthInput struct {
	ClientId          string             `v:"req,len=1:128,pat=clientid"`
	AuthFlow          string             `v:"req,enum=USER_SRP_AUTH|REFRESH_TOKEN_AUTH|REFRESH_TOKEN|CUSTOM_AUTH|ADMIN_NO_SRP_AUTH|USER_PASSWORD_AUTH|ADMIN_USER_PASSWORD_AUTH|USER_AUTH"`
	AuthParameters    map[string]*string `json:",omitempty"`
	ClientMetadata    map[string]string  `json:",omitempty"`
	Session           string             `json:",omitempty" v:"len=20:2048"`
	AnalyticsMetadata json.RawMessage
	UserContextData   json.RawMessage
}

// AdminInitiateAuthInput is AdminInitiateAuth's request.
type AdminInitiateAuthInput struct {
	UserPoolId        string             `v:"req,len=1:55,pat=poolid"`
	ClientId          string             `v:"req,len=1:128,pat=clientid"`
	AuthFlow          string             `v:"req,enum=USER_SRP_AUTH|REFRESH_TOKEN_AUTH|REFRESH_TOKEN|CUSTOM_AUTH|ADMIN_NO_SRP_AUTH|USER_PASSWORD_AUTH|ADMIN_USER_PASSWORD_AUTH|USER_AUTH"`
	AuthParameters    map[string]*string `json:",omitempty"`
	ClientMetadata    map[string]string  `json:",omitempty"`
	Session           string             `json:",omitempty" v:"len=20:2048"`
	AnalyticsMetadata json.RawMessage
	ContextData       json.RawMessage
}

// RespondToAuthChallengeInput is RespondToAuthChallenge's request.
type RespondToAuthChallengeInput struct {
	ClientId           string             `v:"req,len=1:128,pat=clientid"`
	ChallengeName      string             `v:"req,enum=SMS_MFA|EMAIL_OTP|SOFTWARE_TOKEN_MFA|SELECT_MFA_TYPE|MFA_SETUP|PASSWORD_VERIFIER|CUSTOM_CHALLENGE|SELECT_CHALLENGE|DEVICE_SRP_AUTH|DEVICE_PASSWORD_VERIFIER|ADMIN_NO_SRP_AUTH|NEW_PASSWORD_REQUIRED|SMS_OTP|PASSWORD|WEB_AUTHN|PASSWORD_SRP"`
	Session            string             `json:",omitempty" v:"len=20:2048"`
	ChallengeResponses map[string]*string `json:",omitempty"`
	ClientMetadata     map[string]string  `json:",omitempty"`
	AnalyticsMetadata  json.RawMessage
	UserContextData    json.RawMessage
}

// AdminRespondToAuthChallengeInput is AdminRespondToAuthChallenge's
// request.
type AdminRespondToAuthChallengeInput struct {
	UserPoolId         string             `v:"req,len=1:55,pat=poolid"`
	ClientId           string             `v:"req,len=1:128,pat=clientid"`
	ChallengeName      string             `v:"req,enum=SMS_MFA|EMAIL_OTP|SOFTWARE_TOKEN_MFA|SELECT_MFA_TYPE|MFA_SETUP|PASSWORD_VERIFIER|CUSTOM_CHALLENGE|SELECT_CHALLENGE|DEVICE_SRP_AUTH|DEVICE_PASSWORD_VERIFIER|ADMIN_NO_SRP_AUTH|NEW_PASSWORD_REQUIRED|SMS_OTP|PASSWORD|WEB_AUTHN|PASSWORD_SRP"`
	ChallengeResponses map[string]*string `json:",omitempty"`
	Session            string             `json:",omitempty" v:"len=20:2048"`
	ClientMetadata     map[string]string  `json:",omitempty"`
	AnalyticsMetadata  json.RawMessage
	ContextData        json.RawMessage
}

// AuthOutput is the answer of InitiateAuth, RespondToAuthChallenge and their
// admin forms.
type AuthOutput struct {
	ChallengeName        string `json:",omitempty"`
	Session              string `json:",omitempty"`
	ChallengeParameters  map[string]string
	AuthenticationResult *AuthenticationResult `json:",omitempty"`
	AvailableChallenges  []string              `json:",omitempty"`
}

// GetTokensFromRefreshTokenInput is GetTokensFromRefreshToken's request.
type GetTokensFromRefreshTokenInput struct {
	RefreshToken   string            `v:"req,len=0:131072,pat=token"`
	ClientId       string            `v:"req,len=1:128,pat=clientid"`
	ClientSecret   string            `json:",omitempty" v:"len=24:64"`
	DeviceKey      string            `json:",omitempty" v:"len=1:55"`
	ClientMetadata map[string]string `json:",omitempty"`
}

// TokensOutput is GetTokensFromRefreshToken's answer.
type TokensOutput struct {
	AuthenticationResult *AuthenticationResult `json:",omitempty"`
}

// ---- MFA ----

// AssociateSoftwareTokenInput is AssociateSoftwareToken's request: either
// an access token or a challenge session.
type AssociateSoftwareTokenInput struct {
	AccessToken string `json:",omitempty" v:"len=0:131072,pat=token"`
	Session     string `json:",omitempty" v:"len=20:2048"`
}

// AssociateSoftwareTokenOutput is its answer.
type AssociateSoftwareTokenOutput struct {
	SecretCode string `json:",omitempty"`
	Session    string `json:",omitempty"`
}

// VerifySoftwareTokenInput is VerifySoftwareToken's request.
type VerifySoftwareTokenInput struct {
	AccessToken        string `json:",omitempty" v:"len=0:131072,pat=token"`
	Session            string `json:",omitempty" v:"len=20:2048"`
	UserCode           string `v:"req,len=6:6,pat=digits"`
	FriendlyDeviceName string `json:",omitempty" v:"len=0:131072"`
}

// VerifySoftwareTokenOutput is its answer.
type VerifySoftwareTokenOutput struct {
	Status  string `json:",omitempty"`
	Session string `json:",omitempty"`
}

// SetUserMFAPreferenceInput is SetUserMFAPreference's request.
type SetUserMFAPreferenceInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
	MFAPreferences
}

// AdminSetUserMFAPreferenceInput is AdminSetUserMFAPreference's request.
type AdminSetUserMFAPreferenceInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	MFAPreferences
}

// MFAPreferences are the settings SetUserMFAPreference and
// AdminSetUserMFAPreference carry.
type MFAPreferences struct {
	SMSMfaSettings           *MFASettings `json:",omitempty"`
	SoftwareTokenMfaSettings *MFASettings `json:",omitempty"`
	EmailMfaSettings         *MFASettings `json:",omitempty"`
	// WebAuthnMfaSettings has no PreferredMfa: passkey MFA applies only
	// when a passkey is the first factor.
	WebAuthnMfaSettings *WebAuthnMFASettings `json:",omitempty"`
}

// WebAuthnMFASettings is a user's passkey MFA switch.
type WebAuthnMFASettings struct {
	Enabled bool
}

// Empty is the answer of operations that return nothing.
type Empty struct{}

// ---- Devices ----

// DeviceSecretVerifierConfig is the device's SRP verifier from ConfirmDevice.
type DeviceSecretVerifierConfig struct {
	PasswordVerifier string `json:",omitempty" v:"len=0:131072"`
	Salt             string `json:",omitempty" v:"len=0:131072"`
}

// ConfirmDeviceInput is ConfirmDevice's request.
type ConfirmDeviceInput struct {
	AccessToken                string                      `v:"req,len=0:131072,pat=token"`
	DeviceKey                  string                      `v:"req,len=1:55,pat=devicekey"`
	DeviceSecretVerifierConfig *DeviceSecretVerifierConfig `json:",omitempty"`
	DeviceName                 string                      `json:",omitempty" v:"len=1:1024"`
}

// ConfirmDeviceOutput is its answer.
type ConfirmDeviceOutput struct {
	UserConfirmationNecessary bool
}

// GetDeviceInput is GetDevice's request. The model leaves AccessToken
// optional; without one the domain refuses the call ("Missing required
// parameter AccessToken").
type GetDeviceInput struct {
	DeviceKey   string `v:"req,len=1:55,pat=devicekey"`
	AccessToken string `json:",omitempty" v:"len=0:131072,pat=token"`
}

// AdminGetDeviceInput is AdminGetDevice's request.
type AdminGetDeviceInput struct {
	DeviceKey  string `v:"req,len=1:55,pat=devicekey"`
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
}

// ForgetDeviceInput is ForgetDevice's request; as in GetDevice, the model
// leaves AccessToken optional.
type ForgetDeviceInput struct {
	AccessToken string `json:",omitempty" v:"len=0:131072,pat=token"`
	DeviceKey   string `v:"req,len=1:55,pat=devicekey"`
}

// AdminForgetDeviceInput is AdminForgetDevice's request.
type AdminForgetDeviceInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	DeviceKey  string `v:"req,len=1:55,pat=devicekey"`
}

// UpdateDeviceStatusInput is UpdateDeviceStatus' request.
type UpdateDeviceStatusInput struct {
	AccessToken            string `v:"req,len=0:131072,pat=token"`
	DeviceKey              string `v:"req,len=1:55,pat=devicekey"`
	DeviceRememberedStatus string `json:",omitempty" v:"enum=remembered|not_remembered"`
}

// AdminUpdateDeviceStatusInput is AdminUpdateDeviceStatus' request.
type AdminUpdateDeviceStatusInput struct {
	UserPoolId             string `v:"req,len=1:55,pat=poolid"`
	Username               string `v:"req,len=1:128,pat=username"`
	DeviceKey              string `v:"req,len=1:55,pat=devicekey"`
	DeviceRememberedStatus string `json:",omitempty" v:"enum=remembered|not_remembered"`
}

// ListDevicesInput is ListDevices' request.
type ListDevicesInput struct {
	AccessToken     string `v:"req,len=0:131072,pat=token"`
	Limit           *int32 `json:",omitempty" v:"range=0:60"`
	PaginationToken string `json:",omitempty" v:"len=1:131072"`
}

// AdminListDevicesInput is AdminListDevices' request.
type AdminListDevicesInput struct {
	UserPoolId      string `v:"req,len=1:55,pat=poolid"`
	Username        string `v:"req,len=1:128,pat=username"`
	Limit           *int32 `json:",omitempty" v:"range=0:60"`
	PaginationToken string `json:",omitempty" v:"len=1:131072"`
}

// DeviceType is a device as GetDevice and ListDevices return it.
type DeviceType struct {
	DeviceKey                   string
	DeviceAttributes            []AttributeType
	DeviceCreateDate            Time
	DeviceLastModifiedDate      Time
	DeviceLastAuthenticatedDate *Time `json:",omitempty"`
}

// GetDeviceOutput is GetDevice's answer.
type GetDeviceOutput struct {
	Device *DeviceType
}

// ListDevicesOutput is ListDevices' answer.
type ListDevicesOutput struct {
	Devices         []DeviceType
	PaginationToken string `json:",omitempty"`
}

// RevokeTokenInput is RevokeToken's request.
type RevokeTokenInput struct {
	Token        string `v:"req,len=0:131072,pat=token"`
	ClientId     string `v:"req,len=1:128,pat=clientid"`
	ClientSecret string `json:",omitempty" v:"len=24:64"`
}

// ---- User lifecycle ----

// AdminCreateUserInput is AdminCreateUser's request.
type AdminCreateUserInput struct {
	UserPoolId             string          `v:"req,len=1:55,pat=poolid"`
	Username               string          `v:"req,len=1:128,pat=username"`
	UserAttributes         []AttributeType `json:",omitempty"`
	ValidationData         []AttributeType `json:",omitempty"`
	TemporaryPassword      *string         `json:",omitempty" v:"len=0:256"`
	ForceAliasCreation     bool
	MessageAction          string            `json:",omitempty" v:"enum=RESEND|SUPPRESS"`
	DesiredDeliveryMediums []string          `json:",omitempty" v:"enum=SMS|EMAIL"`
	ClientMetadata         map[string]string `json:",omitempty"`
}

// AdminCreateUserOutput is its answer.
type AdminCreateUserOutput struct {
	User *UserType
}

// AdminListUserAuthEventsInput is AdminListUserAuthEvents' request.
type AdminListUserAuthEventsInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	MaxResults *int32 `json:",omitempty" v:"range=0:60"`
	NextToken  string `json:",omitempty" v:"len=1:131072,pat=nospace"`
}

// ChallengeResponseType is one step of a sign-in and how it went.
type ChallengeResponseType struct {
	ChallengeName     string `json:",omitempty"` // Password, Mfa
	ChallengeResponse string `json:",omitempty"` // Success, Failure
}

// EventContextDataType is where a sign-in came from.
type EventContextDataType struct {
	IpAddress  string `json:",omitempty"`
	DeviceName string `json:",omitempty"`
	Timezone   string `json:",omitempty"`
	City       string `json:",omitempty"`
	Country    string `json:",omitempty"`
}

// AuthEventType is one recorded sign-in.
type AuthEventType struct {
	EventId            string
	EventType          string
	CreationDate       Time
	EventResponse      string
	ChallengeResponses []ChallengeResponseType
	EventContextData   *EventContextDataType `json:",omitempty"`
	EventFeedback      *EventFeedbackType    `json:",omitempty"`
}

// EventFeedbackType is the feedback given on an event.
type EventFeedbackType struct {
	FeedbackValue string
	Provider      string
	FeedbackDate  *Time `json:",omitempty"`
}

// AdminListUserAuthEventsOutput is its answer.
type AdminListUserAuthEventsOutput struct {
	AuthEvents []AuthEventType
	NextToken  string `json:",omitempty"`
}

// ForgotPasswordInput is ForgotPassword's request.
type ForgotPasswordInput struct {
	ClientId          string `v:"req,len=1:128,pat=clientid"`
	SecretHash        string `json:",omitempty" v:"len=1:128"`
	Username          string `v:"req,len=1:128,pat=username"`
	ClientMetadata    map[string]string
	AnalyticsMetadata json.RawMessage
	UserContextData   json.RawMessage
}

// ConfirmForgotPasswordInput is ConfirmForgotPassword's request.
type ConfirmForgotPasswordInput struct {
	ClientId          string `v:"req,len=1:128,pat=clientid"`
	SecretHash        string `json:",omitempty" v:"len=1:128"`
	Username          string `v:"req,len=1:128,pat=username"`
	ConfirmationCode  string `v:"req,len=1:2048,pat=nospace"`
	Password          string `v:"req,len=0:256"`
	ClientMetadata    map[string]string
	AnalyticsMetadata json.RawMessage
	UserContextData   json.RawMessage
}

// ChangePasswordInput is ChangePassword's request.
type ChangePasswordInput struct {
	PreviousPassword string `json:",omitempty" v:"len=0:256"`
	ProposedPassword string `v:"req,len=0:256"`
	AccessToken      string `v:"req,len=0:131072,pat=token"`
}

// AdminSetUserPasswordInput is AdminSetUserPassword's request.
type AdminSetUserPasswordInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	Password   string `v:"req,len=0:256"`
	Permanent  bool
}

// UpdateUserAttributesInput is UpdateUserAttributes' request.
type UpdateUserAttributesInput struct {
	UserAttributes []AttributeType   `v:"req"`
	AccessToken    string            `v:"req,len=0:131072,pat=token"`
	ClientMetadata map[string]string `json:",omitempty"`
}

// AdminUpdateUserAttributesInput is AdminUpdateUserAttributes' request.
type AdminUpdateUserAttributesInput struct {
	UserPoolId     string            `v:"req,len=1:55,pat=poolid"`
	Username       string            `v:"req,len=1:128,pat=username"`
	UserAttributes []AttributeType   `v:"req"`
	ClientMetadata map[string]string `json:",omitempty"`
}

// UpdateUserAttributesOutput is UpdateUserAttributes' answer.
type UpdateUserAttributesOutput struct {
	CodeDeliveryDetailsList []CodeDeliveryDetails `json:",omitempty"`
}

// DeleteUserAttributesInput is DeleteUserAttributes' request.
type DeleteUserAttributesInput struct {
	UserAttributeNames []string `v:"req"`
	AccessToken        string   `v:"req,len=0:131072,pat=token"`
}

// AdminDeleteUserAttributesInput is AdminDeleteUserAttributes' request.
type AdminDeleteUserAttributesInput struct {
	UserPoolId         string   `v:"req,len=1:55,pat=poolid"`
	Username           string   `v:"req,len=1:128,pat=username"`
	UserAttributeNames []string `v:"req"`
}

// GetUserAttributeVerificationCodeInput is
// GetUserAttributeVerificationCode's request.
type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `v:"req,len=0:131072,pat=token"`
	AttributeName  string            `v:"req,len=1:32"`
	ClientMetadata map[string]string `json:",omitempty"`
}

// VerifyUserAttributeInput is VerifyUserAttribute's request.
type VerifyUserAttributeInput struct {
	AccessToken   string `v:"req,len=0:131072,pat=token"`
	AttributeName string `v:"req,len=1:32"`
	Code          string `v:"req,len=1:2048,pat=nospace"`
}

// ---- Groups ----

// CreateGroupInput is CreateGroup's request.
type CreateGroupInput struct {
	UserPoolId  string  `v:"req,len=1:55,pat=poolid"`
	GroupName   string  `v:"req,len=1:128,pat=username"`
	Description *string `json:",omitempty" v:"len=0:2048"`
	RoleArn     *string `json:",omitempty" v:"len=20:2048"`
	Precedence  *int32  `json:",omitempty" v:"range=0:2147483647"`
}

// UpdateGroupInput is UpdateGroup's request.
type UpdateGroupInput struct {
	UserPoolId  string  `v:"req,len=1:55,pat=poolid"`
	GroupName   string  `v:"req,len=1:128,pat=username"`
	Description *string `json:",omitempty" v:"len=0:2048"`
	RoleArn     *string `json:",omitempty" v:"len=20:2048"`
	Precedence  *int32  `json:",omitempty" v:"range=0:2147483647"`
}

// GetGroupInput is GetGroup's request.
type GetGroupInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	GroupName  string `v:"req,len=1:128,pat=username"`
}

// DeleteGroupInput is DeleteGroup's request.
type DeleteGroupInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	GroupName  string `v:"req,len=1:128,pat=username"`
}

// GroupType is a group as GetGroup returns it.
type GroupType struct {
	GroupName        string
	UserPoolId       string
	Description      string `json:",omitempty"`
	RoleArn          string `json:",omitempty"`
	Precedence       *int32 `json:",omitempty"`
	LastModifiedDate Time
	CreationDate     Time
}

// GroupOutput wraps a group.
type GroupOutput struct {
	Group *GroupType
}

// ListGroupsInput is ListGroups' request.
type ListGroupsInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Limit      *int32 `json:",omitempty" v:"range=0:60"`
	NextToken  string `json:",omitempty" v:"len=1:131072"`
}

// AdminListGroupsForUserInput is AdminListGroupsForUser's request.
type AdminListGroupsForUserInput struct {
	Username   string `v:"req,len=1:128,pat=username"`
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Limit      *int32 `json:",omitempty" v:"range=0:60"`
	NextToken  string `json:",omitempty" v:"len=1:131072"`
}

// ListGroupsOutput is their answer.
type ListGroupsOutput struct {
	Groups    []GroupType
	NextToken string `json:",omitempty"`
}

// AdminAddUserToGroupInput is AdminAddUserToGroup's request.
type AdminAddUserToGroupInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	GroupName  string `v:"req,len=1:128,pat=username"`
}

// AdminRemoveUserFromGroupInput is AdminRemoveUserFromGroup's request.
type AdminRemoveUserFromGroupInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Username   string `v:"req,len=1:128,pat=username"`
	GroupName  string `v:"req,len=1:128,pat=username"`
}

// ListUsersInGroupInput is ListUsersInGroup's request.
type ListUsersInGroupInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	GroupName  string `v:"req,len=1:128,pat=username"`
	Limit      *int32 `json:",omitempty" v:"range=0:60"`
	NextToken  string `json:",omitempty" v:"len=1:131072"`
}

// ListUsersInGroupOutput is its answer.
type ListUsersInGroupOutput struct {
	Users     []UserType
	NextToken string `json:",omitempty"`
}

// ---- Resource servers and domains ----

// ResourceServerScopeType is one custom scope of a resource server.
type ResourceServerScopeType struct {
	ScopeName        string `v:"req,len=1:256,pat=scopename"`
	ScopeDescription string `v:"req,len=1:256"`
}

// CreateResourceServerInput is CreateResourceServer's request.
type CreateResourceServerInput struct {
	UserPoolId string                    `v:"req,len=1:55,pat=poolid"`
	Identifier string                    `v:"req,len=1:256,pat=resourceserver"`
	Name       string                    `v:"req,len=1:256,pat=clientname"`
	Scopes     []ResourceServerScopeType `json:",omitempty" v:"len=0:100"`
}

// UpdateResourceServerInput is UpdateResourceServer's request.
type UpdateResourceServerInput struct {
	UserPoolId string                    `v:"req,len=1:55,pat=poolid"`
	Identifier string                    `v:"req,len=1:256,pat=resourceserver"`
	Name       string                    `v:"req,len=1:256,pat=clientname"`
	Scopes     []ResourceServerScopeType `json:",omitempty" v:"len=0:100"`
}

// DescribeResourceServerInput is DescribeResourceServer's request.
type DescribeResourceServerInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Identifier string `v:"req,len=1:256,pat=resourceserver"`
}

// DeleteResourceServerInput is DeleteResourceServer's request.
type DeleteResourceServerInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	Identifier string `v:"req,len=1:256,pat=resourceserver"`
}

// ResourceServerType is a resource server as Cognito describes it.
type ResourceServerType struct {
	UserPoolId string
	Identifier string
	Name       string
	Scopes     []ResourceServerScopeType
}

// ResourceServerOutput wraps a resource server.
type ResourceServerOutput struct {
	ResourceServer *ResourceServerType
}

// ListResourceServersInput is ListResourceServers' request.
type ListResourceServersInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	MaxResults *int32 `json:",omitempty" v:"range=1:50"`
	NextToken  string `json:",omitempty" v:"len=1:131072,pat=nospace"`
}

// ListResourceServersOutput is its answer.
type ListResourceServersOutput struct {
	ResourceServers []ResourceServerType
	NextToken       string `json:",omitempty"`
}

// CustomDomainConfigType holds a custom domain's certificate.
type CustomDomainConfigType struct {
	CertificateArn string `v:"req,len=20:2048"`
}

// CreateUserPoolDomainInput is CreateUserPoolDomain's request. The
// domain's form (a prefix, or a host name for a custom domain) is checked by
// the domain package, since the model's pattern admits no dots.
type CreateUserPoolDomainInput struct {
	Domain              string                  `v:"req,len=1:63"`
	UserPoolId          string                  `v:"req,len=1:55,pat=poolid"`
	ManagedLoginVersion *int32                  `json:",omitempty"`
	CustomDomainConfig  *CustomDomainConfigType `json:",omitempty"`
}

// UpdateUserPoolDomainInput is UpdateUserPoolDomain's request, checked as
// CreateUserPoolDomain's is.
type UpdateUserPoolDomainInput struct {
	Domain              string                  `v:"req,len=1:63"`
	UserPoolId          string                  `v:"req,len=1:55,pat=poolid"`
	ManagedLoginVersion *int32                  `json:",omitempty"`
	CustomDomainConfig  *CustomDomainConfigType `json:",omitempty"`
}

// DeleteUserPoolDomainInput is DeleteUserPoolDomain's request.
type DeleteUserPoolDomainInput struct {
	Domain     string `v:"req,len=1:63"`
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// UserPoolDomainOutput is the answer of CreateUserPoolDomain and
// UpdateUserPoolDomain.
type UserPoolDomainOutput struct {
	ManagedLoginVersion *int32 `json:",omitempty"`
	CloudFrontDomain    string `json:",omitempty"`
}

// DescribeUserPoolDomainInput is DescribeUserPoolDomain's request.
type DescribeUserPoolDomainInput struct {
	Domain string `v:"req,len=1:63"`
}

// DomainDescriptionType describes a domain; Cognito answers an empty one
// for a domain nobody has.
type DomainDescriptionType struct {
	UserPoolId             string                  `json:",omitempty"`
	AWSAccountId           string                  `json:",omitempty"`
	Domain                 string                  `json:",omitempty"`
	S3Bucket               string                  `json:",omitempty"`
	CloudFrontDistribution string                  `json:",omitempty"`
	Version                string                  `json:",omitempty"`
	Status                 string                  `json:",omitempty"`
	CustomDomainConfig     *CustomDomainConfigType `json:",omitempty"`
	ManagedLoginVersion    *int32                  `json:",omitempty"`
}

// DescribeUserPoolDomainOutput is its answer.
type DescribeUserPoolDomainOutput struct {
	DomainDescription *DomainDescriptionType
}

// ---- Passkeys (WebAuthn) ----

// StartWebAuthnRegistrationInput is StartWebAuthnRegistration's request.
type StartWebAuthnRegistrationInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
}

// StartWebAuthnRegistrationOutput carries the options for
// navigator.credentials.create: PublicKeyCredentialCreationOptions in its
// JSON form, as a document.
type StartWebAuthnRegistrationOutput struct {
	CredentialCreationOptions json.RawMessage
}

// CompleteWebAuthnRegistrationInput is CompleteWebAuthnRegistration's
// request: Credential is the RegistrationResponseJSON of the new passkey.
type CompleteWebAuthnRegistrationInput struct {
	AccessToken string          `v:"req,len=0:131072,pat=token"`
	Credential  json.RawMessage `v:"req"`
}

// ListWebAuthnCredentialsInput is ListWebAuthnCredentials' request.
type ListWebAuthnCredentialsInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
	NextToken   string `json:",omitempty" v:"len=1:131072"`
	MaxResults  *int32 `json:",omitempty" v:"range=0:20"`
}

// WebAuthnCredentialDescription is one passkey in ListWebAuthnCredentials.
type WebAuthnCredentialDescription struct {
	CredentialId            string
	FriendlyCredentialName  string
	RelyingPartyId          string
	AuthenticatorAttachment string `json:",omitempty"`
	AuthenticatorTransports []string
	CreatedAt               Time
}

// ListWebAuthnCredentialsOutput is ListWebAuthnCredentials' answer.
type ListWebAuthnCredentialsOutput struct {
	Credentials []WebAuthnCredentialDescription
	NextToken   string `json:",omitempty"`
}

// DeleteWebAuthnCredentialInput is DeleteWebAuthnCredential's request.
type DeleteWebAuthnCredentialInput struct {
	AccessToken  string `v:"req,len=0:131072,pat=token"`
	CredentialId string `v:"req,len=0:131072"`
}

// GetUserAuthFactorsInput is GetUserAuthFactors' request.
type GetUserAuthFactorsInput struct {
	AccessToken string `v:"req,len=0:131072,pat=token"`
}

// GetUserAuthFactorsOutput is GetUserAuthFactors' answer.
type GetUserAuthFactorsOutput struct {
	Username                  string
	PreferredMfaSetting       string   `json:",omitempty"`
	UserMFASettingList        []string `json:",omitempty"`
	ConfiguredUserAuthFactors []string `json:",omitempty"`
}
