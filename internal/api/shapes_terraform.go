package api

// Shapes of the management operations provisioning tools (Terraform, CDK)
// call besides pools and clients: custom attributes, tags, the signing
// certificate, UI customization, risk configuration and the legacy MFA
// settings.

// AddCustomAttributesInput is AddCustomAttributes' request.
type AddCustomAttributesInput struct {
	UserPoolId       string            `v:"req,len=1:55,pat=poolid"`
	CustomAttributes []SchemaAttribute `v:"req,len=1:25"`
}

// TagResourceInput is TagResource's request.
type TagResourceInput struct {
	ResourceArn string            `v:"req,len=20:2048,pat=arn"`
	Tags        map[string]string `v:"req"`
}

// UntagResourceInput is UntagResource's request.
type UntagResourceInput struct {
	ResourceArn string   `v:"req,len=20:2048,pat=arn"`
	TagKeys     []string `v:"req"`
}

// ListTagsForResourceInput is ListTagsForResource's request.
type ListTagsForResourceInput struct {
	ResourceArn string `v:"req,len=20:2048,pat=arn"`
}

// ListTagsForResourceOutput is ListTagsForResource's answer.
type ListTagsForResourceOutput struct {
	Tags map[string]string `json:",omitempty"`
}

// GetSigningCertificateInput is GetSigningCertificate's request.
type GetSigningCertificateInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// GetSigningCertificateOutput is GetSigningCertificate's answer: the
// certificate's DER in base64, without PEM armour, as Cognito gives it.
type GetSigningCertificateOutput struct {
	Certificate string `json:",omitempty"`
}

// GetUICustomizationInput is GetUICustomization's request.
type GetUICustomizationInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `json:",omitempty" v:"len=1:128,pat=clientid"`
}

// SetUICustomizationInput is SetUICustomization's request.
type SetUICustomizationInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `json:",omitempty" v:"len=1:128,pat=clientid"`
	CSS        string `json:",omitempty" v:"len=0:131072"`
	// ImageFile is a blob: base64 on the wire.
	ImageFile []byte `json:",omitempty" v:"len=0:131072"`
}

// UICustomizationType is a pool's or a client's hosted-page customization.
type UICustomizationType struct {
	UserPoolId       string `json:",omitempty"`
	ClientId         string `json:",omitempty"`
	ImageUrl         string `json:",omitempty"`
	CSS              string `json:",omitempty"`
	CSSVersion       string `json:",omitempty"`
	LastModifiedDate *Time  `json:",omitempty"`
	CreationDate     *Time  `json:",omitempty"`
}

// UICustomizationOutput is the answer of Get- and SetUICustomization.
type UICustomizationOutput struct {
	UICustomization *UICustomizationType
}

// DescribeRiskConfigurationInput is DescribeRiskConfiguration's request.
type DescribeRiskConfigurationInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `json:",omitempty" v:"len=1:128,pat=clientid"`
}

// CompromisedCredentialsRiskConfiguration is what to do with a password
// known to have leaked.
type CompromisedCredentialsRiskConfiguration struct {
	EventFilter []string `json:",omitempty" v:"enum=SIGN_IN|PASSWORD_CHANGE|SIGN_UP"`
	Actions     *struct {
		EventAction string `v:"req,enum=BLOCK|NO_ACTION"`
	} `v:"req"`
}

// AccountTakeoverAction is one risk level's action.
type AccountTakeoverAction struct {
	Notify      *bool  `v:"req"`
	EventAction string `v:"req,enum=BLOCK|MFA_IF_CONFIGURED|MFA_REQUIRED|NO_ACTION"`
}

// AccountTakeoverRiskConfiguration is what to do at each risk level; the
// notification emails are kept as given.
type AccountTakeoverRiskConfiguration struct {
	NotifyConfiguration *NotifyConfiguration `json:",omitempty"`
	Actions             *struct {
		LowAction    *AccountTakeoverAction `json:",omitempty"`
		MediumAction *AccountTakeoverAction `json:",omitempty"`
		HighAction   *AccountTakeoverAction `json:",omitempty"`
	} `v:"req"`
}

// NotifyConfiguration is how users are told of a risky sign-in.
type NotifyConfiguration struct {
	From          string       `json:",omitempty" v:"len=0:131072"`
	ReplyTo       string       `json:",omitempty" v:"len=0:131072"`
	SourceArn     string       `v:"req,len=20:2048,pat=arn"`
	BlockEmail    *NotifyEmail `json:",omitempty"`
	NoActionEmail *NotifyEmail `json:",omitempty"`
	MfaEmail      *NotifyEmail `json:",omitempty"`
}

// NotifyEmail is one notification message.
type NotifyEmail struct {
	Subject  string `v:"req,len=1:140"`
	HtmlBody string `json:",omitempty" v:"len=6:20000"`
	TextBody string `json:",omitempty" v:"len=6:20000"`
}

// RiskExceptionConfiguration lists addresses always blocked or never
// judged.
type RiskExceptionConfiguration struct {
	BlockedIPRangeList []string `json:",omitempty" v:"len=0:200"`
	SkippedIPRangeList []string `json:",omitempty" v:"len=0:200"`
}

// SetRiskConfigurationInput is SetRiskConfiguration's request.
type SetRiskConfigurationInput struct {
	UserPoolId                              string                                   `v:"req,len=1:55,pat=poolid"`
	ClientId                                string                                   `json:",omitempty" v:"len=1:128,pat=clientid"`
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfiguration `json:",omitempty"`
	AccountTakeoverRiskConfiguration        *AccountTakeoverRiskConfiguration        `json:",omitempty"`
	RiskExceptionConfiguration              *RiskExceptionConfiguration              `json:",omitempty"`
}

// RiskConfigurationType is a pool's or a client's risk configuration.
type RiskConfigurationType struct {
	UserPoolId                              string                                   `json:",omitempty"`
	ClientId                                string                                   `json:",omitempty"`
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfiguration `json:",omitempty"`
	AccountTakeoverRiskConfiguration        *AccountTakeoverRiskConfiguration        `json:",omitempty"`
	RiskExceptionConfiguration              *RiskExceptionConfiguration              `json:",omitempty"`
	LastModifiedDate                        *Time                                    `json:",omitempty"`
}

// RiskConfigurationOutput is the answer of Describe- and SetRiskConfiguration.
type RiskConfigurationOutput struct {
	RiskConfiguration *RiskConfigurationType
}

// SetUserSettingsInput is SetUserSettings' request.
type SetUserSettingsInput struct {
	AccessToken string      `v:"req,pat=token"`
	MFAOptions  []MFAOption `v:"reqlist"`
}

// AdminSetUserSettingsInput is AdminSetUserSettings' request.
type AdminSetUserSettingsInput struct {
	UserPoolId string      `v:"req,len=1:55,pat=poolid"`
	Username   string      `v:"req,len=1:128,pat=username"`
	MFAOptions []MFAOption `v:"reqlist"`
}
