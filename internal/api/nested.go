package api

import (
	"encoding/json"
	"reflect"
)

// Exception names of the app-client checks.
const (
	ErrScopeDoesNotExist = "ScopeDoesNotExistException"
	ErrInvalidOAuthFlow  = "InvalidOAuthFlowException"
)

// Settings that Cognate keeps as raw JSON (it stores and returns them as
// given) still carry enums, bounds and required members in Cognito's model;
// Cognito refuses a value outside them, so Cognate must too. Each shadow
// type below mirrors one model shape, named as in the model, with the
// members that carry a constraint; Validate decodes the raw member into it
// and checks it with the same `v` tags as the request shapes.

// UserPoolAddOnsType is the model's UserPoolAddOnsType.
type UserPoolAddOnsType struct {
	AdvancedSecurityMode            string `v:"req,enum=OFF|AUDIT|ENFORCED"`
	AdvancedSecurityAdditionalFlows *struct {
		CustomAuthMode string `v:"enum=AUDIT|ENFORCED"`
	}
}

// RecoveryOptionType is one entry of AccountRecoverySettingType.
type RecoveryOptionType struct {
	Priority *int32 `v:"req,range=1:2"`
	Name     string `v:"req,enum=verified_email|verified_phone_number|admin_only"`
}

// AccountRecoverySettingType is the model's AccountRecoverySettingType.
type AccountRecoverySettingType struct {
	RecoveryMechanisms []RecoveryOptionType `v:"len=1:2"`
}

// MessageTemplateType is AdminCreateUserConfig's invitation template.
type MessageTemplateType struct {
	SMSMessage   string `v:"len=6:140"`
	EmailMessage string `v:"len=6:20000"`
	EmailSubject string `v:"len=1:140"`
}

// AdminCreateUserConfigType is the model's AdminCreateUserConfigType.
type AdminCreateUserConfigType struct {
	UnusedAccountValidityDays *int32 `v:"range=0:365"`
	InviteMessageTemplate     *MessageTemplateType
}

// VerificationMessageTemplateType is the model's shape of that name.
type VerificationMessageTemplateType struct {
	SmsMessage         string `v:"len=6:140"`
	EmailMessage       string `v:"len=6:20000"`
	EmailSubject       string `v:"len=1:140"`
	EmailMessageByLink string `v:"len=6:20000"`
	EmailSubjectByLink string `v:"len=1:140"`
	DefaultEmailOption string `v:"enum=CONFIRM_WITH_LINK|CONFIRM_WITH_CODE"`
}

// EmailConfigurationType is the model's EmailConfigurationType.
type EmailConfigurationType struct {
	SourceArn           string `v:"len=20:2048"`
	EmailSendingAccount string `v:"enum=COGNITO_DEFAULT|DEVELOPER"`
	ConfigurationSet    string `v:"len=1:64"`
}

// SmsConfigurationType is the model's SmsConfigurationType.
type SmsConfigurationType struct {
	SnsCallerArn string `v:"req,len=20:2048"`
	SnsRegion    string `v:"len=5:32"`
}

// UserAttributeUpdateSettingsType is the model's shape of that name.
type UserAttributeUpdateSettingsType struct {
	AttributesRequireVerificationBeforeUpdate []string `v:"enum=phone_number|email"`
}

// UsernameConfigurationType is the model's UsernameConfigurationType.
type UsernameConfigurationType struct {
	CaseSensitive *bool `v:"req"`
}

// SignInPolicyType is the model's SignInPolicyType.
type SignInPolicyType struct {
	AllowedFirstAuthFactors []string `v:"len=1:4,enum=PASSWORD|EMAIL_OTP|SMS_OTP|WEB_AUTHN"`
}

// LambdaVersionConfigType is the shape of LambdaConfig's versioned
// triggers; their enums differ, so each has its own type below.
type preTokenGenerationConfig struct {
	LambdaVersion string `v:"req,enum=V1_0|V2_0|V3_0"`
	LambdaArn     string `v:"req,len=20:2048"`
}

type v1LambdaConfig struct {
	LambdaVersion string `v:"req,enum=V1_0"`
	LambdaArn     string `v:"req,len=20:2048"`
}

// LambdaConfigType is the model's LambdaConfigType.
type LambdaConfigType struct {
	PreSignUp                   string `v:"len=20:2048"`
	CustomMessage               string `v:"len=20:2048"`
	PostConfirmation            string `v:"len=20:2048"`
	PreAuthentication           string `v:"len=20:2048"`
	PostAuthentication          string `v:"len=20:2048"`
	DefineAuthChallenge         string `v:"len=20:2048"`
	CreateAuthChallenge         string `v:"len=20:2048"`
	VerifyAuthChallengeResponse string `v:"len=20:2048"`
	PreTokenGeneration          string `v:"len=20:2048"`
	UserMigration               string `v:"len=20:2048"`
	PreTokenGenerationConfig    *preTokenGenerationConfig
	CustomSMSSender             *v1LambdaConfig
	CustomEmailSender           *v1LambdaConfig
	KMSKeyID                    string `v:"len=20:2048"`
	InboundFederation           *v1LambdaConfig
}

// RefreshTokenRotationType is the model's RefreshTokenRotationType.
type RefreshTokenRotationType struct {
	Feature                 string `v:"req,enum=ENABLED|DISABLED"`
	RetryGracePeriodSeconds *int32 `v:"range=0:60"`
}

// AnalyticsConfigurationType is the model's AnalyticsConfigurationType.
type AnalyticsConfigurationType struct {
	ApplicationArn string `v:"len=20:2048"`
	RoleArn        string `v:"len=20:2048"`
}

// SmsMfaConfigType is the model's SmsMfaConfigType.
type SmsMfaConfigType struct {
	SmsAuthenticationMessage string `v:"len=6:140,pat=smsmfamessage"`
	SmsConfiguration         *SmsConfigurationType
}

// EmailMfaConfigType is the model's EmailMfaConfigType.
type EmailMfaConfigType struct {
	Message string `v:"len=6:20000,pat=emailmfamessage"`
	// Subject: the model gives a pattern only; 140 is the bound of the
	// pool's other email subjects (Cognate's choice).
	Subject string `v:"len=1:140,pat=emailmfasubject"`
}

// WebAuthnConfigurationType is the model's WebAuthnConfigurationType.
type WebAuthnConfigurationType struct {
	RelyingPartyId      string `v:"len=1:127"`
	UserVerification    string `v:"enum=required|preferred"`
	FactorConfiguration string `v:"enum=SINGLE_FACTOR|MULTI_FACTOR_WITH_USER_VERIFICATION"`
}

// AnalyticsMetadataType is the model's AnalyticsMetadataType.
type AnalyticsMetadataType struct {
	AnalyticsEndpointId string `v:"len=0:131072"`
}

// UserContextDataType is the model's UserContextDataType.
type UserContextDataType struct {
	IpAddress   string `v:"len=0:131072"`
	EncodedData string `v:"len=0:131072"`
}

// HttpHeader is one header of ContextDataType (the model names its
// members in lower case).
type HttpHeader struct {
	HeaderName  string `json:"headerName" v:"len=0:131072"`
	HeaderValue string `json:"headerValue" v:"len=0:131072"`
}

// ContextDataType is the model's ContextDataType.
type ContextDataType struct {
	IpAddress   string       `v:"req,len=0:131072"`
	ServerName  string       `v:"req,len=0:131072"`
	ServerPath  string       `v:"req,len=0:131072"`
	HttpHeaders []HttpHeader `v:"req"`
	EncodedData string       `v:"len=0:131072"`
}

// NumberAttributeConstraintsType is the model's shape of that name.
type NumberAttributeConstraintsType struct {
	MinValue string `v:"len=0:131072"`
	MaxValue string `v:"len=0:131072"`
}

// StringAttributeConstraintsType is the model's shape of that name.
type StringAttributeConstraintsType struct {
	MinLength string `v:"len=0:131072"`
	MaxLength string `v:"len=0:131072"`
}

// NestedShapes lists the shadow types by their model shape names, so that
// the model conformance test holds them to the model as well.
var NestedShapes = map[string]any{
	"UserPoolAddOnsType":              UserPoolAddOnsType{},
	"AccountRecoverySettingType":      AccountRecoverySettingType{},
	"RecoveryOptionType":              RecoveryOptionType{},
	"AdminCreateUserConfigType":       AdminCreateUserConfigType{},
	"MessageTemplateType":             MessageTemplateType{},
	"VerificationMessageTemplateType": VerificationMessageTemplateType{},
	"EmailConfigurationType":          EmailConfigurationType{},
	"SmsConfigurationType":            SmsConfigurationType{},
	"UserAttributeUpdateSettingsType": UserAttributeUpdateSettingsType{},
	"UsernameConfigurationType":       UsernameConfigurationType{},
	"SignInPolicyType":                SignInPolicyType{},
	"LambdaConfigType":                LambdaConfigType{},
	"RefreshTokenRotationType":        RefreshTokenRotationType{},
	"AnalyticsConfigurationType":      AnalyticsConfigurationType{},
	"SmsMfaConfigType":                SmsMfaConfigType{},
	"EmailMfaConfigType":              EmailMfaConfigType{},
	"WebAuthnConfigurationType":       WebAuthnConfigurationType{},
	"AnalyticsMetadataType":           AnalyticsMetadataType{},
	"UserContextDataType":             UserContextDataType{},
	"ContextDataType":                 ContextDataType{},
	"NumberAttributeConstraintsType":  NumberAttributeConstraintsType{},
	"StringAttributeConstraintsType":  StringAttributeConstraintsType{},
}

// rawShadows maps the Go name of a raw member to its shadow type. Every
// raw member of that name, in any request, is checked against it.
var rawShadows = map[string]any{
	"UserPoolAddOns":              UserPoolAddOnsType{},
	"AccountRecoverySetting":      AccountRecoverySettingType{},
	"AdminCreateUserConfig":       AdminCreateUserConfigType{},
	"VerificationMessageTemplate": VerificationMessageTemplateType{},
	"EmailConfiguration":          EmailConfigurationType{},
	"SmsConfiguration":            SmsConfigurationType{},
	"UserAttributeUpdateSettings": UserAttributeUpdateSettingsType{},
	"UsernameConfiguration":       UsernameConfigurationType{},
	"SignInPolicy":                SignInPolicyType{},
	"LambdaConfig":                LambdaConfigType{},
	"RefreshTokenRotation":        RefreshTokenRotationType{},
	"AnalyticsConfiguration":      AnalyticsConfigurationType{},
	"SmsMfaConfiguration":         SmsMfaConfigType{},
	"EmailMfaConfiguration":       EmailMfaConfigType{},
	"WebAuthnConfiguration":       WebAuthnConfigurationType{},
	"AnalyticsMetadata":           AnalyticsMetadataType{},
	"UserContextData":             UserContextDataType{},
	"ContextData":                 ContextDataType{},
	"NumberAttributeConstraints":  NumberAttributeConstraintsType{},
	"StringAttributeConstraints":  StringAttributeConstraintsType{},
}

// checkRaw checks a raw member against its shadow type, if it has one.
func checkRaw(raw json.RawMessage, goName, name string, p *problems) {
	shadow, ok := rawShadows[goName]
	if !ok || len(raw) == 0 || p.err != nil || string(raw) == "null" {
		return
	}
	t := reflect.TypeOf(shadow)
	v := reflect.New(t)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		p.err = Errorf(ErrSerialization, "Unexpected value for member '%s': expected a structure matching %s", name, t.Name())
		return
	}
	walk(v, name, p)
}
