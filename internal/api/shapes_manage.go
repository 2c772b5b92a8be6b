package api

import "encoding/json"

// Shapes of the remaining management operations: client-secret rotation,
// terms, auth-event feedback, log delivery and managed login branding.

// AddUserPoolClientSecretInput is AddUserPoolClientSecret's request.
type AddUserPoolClientSecretInput struct {
	UserPoolId   string `v:"req,len=1:55,pat=poolid"`
	ClientId     string `v:"req,len=1:128,pat=clientid"`
	ClientSecret string `json:",omitempty" v:"len=24:64,pat=clientid"`
}

// ClientSecretDescriptorType is one of an app client's secrets; its value
// only in the answer to the AddUserPoolClientSecret that generated it.
type ClientSecretDescriptorType struct {
	ClientSecretId         string `json:",omitempty"`
	ClientSecretValue      string `json:",omitempty"`
	ClientSecretCreateDate *Time  `json:",omitempty"`
}

// AddUserPoolClientSecretOutput is AddUserPoolClientSecret's answer.
type AddUserPoolClientSecretOutput struct {
	ClientSecretDescriptor *ClientSecretDescriptorType `json:",omitempty"`
}

// ListUserPoolClientSecretsInput is ListUserPoolClientSecrets' request.
type ListUserPoolClientSecretsInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	ClientId   string `v:"req,len=1:128,pat=clientid"`
	NextToken  string `json:",omitempty" v:"len=1:131072,pat=nospace"`
}

// ListUserPoolClientSecretsOutput is ListUserPoolClientSecrets' answer.
type ListUserPoolClientSecretsOutput struct {
	ClientSecrets []ClientSecretDescriptorType
	NextToken     string `json:",omitempty"`
}

// DeleteUserPoolClientSecretInput is DeleteUserPoolClientSecret's request.
type DeleteUserPoolClientSecretInput struct {
	UserPoolId     string `v:"req,len=1:55,pat=poolid"`
	ClientId       string `v:"req,len=1:128,pat=clientid"`
	ClientSecretId string `v:"req,len=1:128"`
}

// CreateTermsInput is CreateTerms' request.
type CreateTermsInput struct {
	UserPoolId  string            `v:"req,len=1:55,pat=poolid"`
	ClientId    string            `v:"req,len=1:128,pat=clientid"`
	TermsName   string            `v:"req,pat=termsname"`
	TermsSource string            `v:"req,enum=LINK"`
	Enforcement string            `v:"req,enum=NONE"`
	Links       map[string]string `json:",omitempty" v:"len=1:13"`
}

// TermsType is one terms document of an app client.
type TermsType struct {
	TermsId          string
	UserPoolId       string
	ClientId         string
	TermsName        string
	TermsSource      string
	Enforcement      string
	Links            map[string]string
	CreationDate     Time
	LastModifiedDate Time
}

// TermsOutput is the answer of CreateTerms, DescribeTerms and UpdateTerms.
type TermsOutput struct {
	Terms *TermsType `json:",omitempty"`
}

// DescribeTermsInput is DescribeTerms' request.
type DescribeTermsInput struct {
	TermsId    string `v:"req,pat=uuid4"`
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// DeleteTermsInput is DeleteTerms' request.
type DeleteTermsInput struct {
	TermsId    string `v:"req,pat=uuid4"`
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// UpdateTermsInput is UpdateTerms' request: members left out keep their
// values.
type UpdateTermsInput struct {
	TermsId     string            `v:"req,pat=uuid4"`
	UserPoolId  string            `v:"req,len=1:55,pat=poolid"`
	TermsName   string            `json:",omitempty" v:"pat=termsname"`
	TermsSource string            `json:",omitempty" v:"enum=LINK"`
	Enforcement string            `json:",omitempty" v:"enum=NONE"`
	Links       map[string]string `json:",omitempty" v:"len=1:13"`
}

// ListTermsInput is ListTerms' request.
type ListTermsInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	MaxResults *int32 `json:",omitempty" v:"range=1:60"`
	NextToken  string `json:",omitempty" v:"len=0:131072"`
}

// TermsDescriptionType is a terms document in ListTerms.
type TermsDescriptionType struct {
	TermsId          string
	TermsName        string
	Enforcement      string
	CreationDate     Time
	LastModifiedDate Time
}

// ListTermsOutput is ListTerms' answer.
type ListTermsOutput struct {
	Terms     []TermsDescriptionType
	NextToken string `json:",omitempty"`
}

// UpdateAuthEventFeedbackInput is UpdateAuthEventFeedback's request.
type UpdateAuthEventFeedbackInput struct {
	UserPoolId    string `v:"req,len=1:55,pat=poolid"`
	Username      string `v:"req,len=1:128,pat=username"`
	EventId       string `v:"req,len=1:50,pat=eventid"`
	FeedbackToken string `v:"req,pat=token"`
	FeedbackValue string `v:"req,enum=Valid|Invalid"`
}

// AdminUpdateAuthEventFeedbackInput is AdminUpdateAuthEventFeedback's
// request.
type AdminUpdateAuthEventFeedbackInput struct {
	UserPoolId    string `v:"req,len=1:55,pat=poolid"`
	Username      string `v:"req,len=1:128,pat=username"`
	EventId       string `v:"req,len=1:50,pat=eventid"`
	FeedbackValue string `v:"req,enum=Valid|Invalid"`
}

// GetLogDeliveryConfigurationInput is GetLogDeliveryConfiguration's request.
type GetLogDeliveryConfigurationInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// LogConfigurationType is one log destination of a pool.
type LogConfigurationType struct {
	LogLevel                    string `v:"req,enum=ERROR|INFO"`
	EventSource                 string `v:"req,enum=userNotification|userAuthEvents"`
	CloudWatchLogsConfiguration *struct {
		LogGroupArn string `json:",omitempty" v:"len=20:2048,pat=arn"`
	} `json:",omitempty"`
	S3Configuration *struct {
		BucketArn string `json:",omitempty" v:"len=3:1024,pat=s3arn"`
	} `json:",omitempty"`
	FirehoseConfiguration *struct {
		StreamArn string `json:",omitempty" v:"len=20:2048,pat=arn"`
	} `json:",omitempty"`
}

// SetLogDeliveryConfigurationInput is SetLogDeliveryConfiguration's
// request.
type SetLogDeliveryConfigurationInput struct {
	UserPoolId        string                 `v:"req,len=1:55,pat=poolid"`
	LogConfigurations []LogConfigurationType `v:"reqlist,len=0:2"`
}

// LogDeliveryConfigurationType is a pool's log destinations.
type LogDeliveryConfigurationType struct {
	UserPoolId        string
	LogConfigurations []LogConfigurationType
}

// LogDeliveryConfigurationOutput is the answer of Get- and
// SetLogDeliveryConfiguration.
type LogDeliveryConfigurationOutput struct {
	LogDeliveryConfiguration *LogDeliveryConfigurationType `json:",omitempty"`
}

// AssetType is one image of a managed login branding style.
type AssetType struct {
	Category  string `v:"req,enum=FAVICON_ICO|FAVICON_SVG|EMAIL_GRAPHIC|SMS_GRAPHIC|AUTH_APP_GRAPHIC|PASSWORD_GRAPHIC|PASSKEY_GRAPHIC|PAGE_HEADER_LOGO|PAGE_HEADER_BACKGROUND|PAGE_FOOTER_LOGO|PAGE_FOOTER_BACKGROUND|PAGE_BACKGROUND|FORM_BACKGROUND|FORM_LOGO|IDP_BUTTON_ICON"`
	ColorMode string `v:"req,enum=LIGHT|DARK|DYNAMIC"`
	Extension string `v:"req,enum=ICO|JPEG|PNG|SVG|WEBP"`
	// Bytes is a blob: base64 on the wire.
	Bytes      []byte `json:",omitempty" v:"len=0:1000000"`
	ResourceId string `json:",omitempty" v:"len=1:40,pat=resourceid"`
}

// CreateManagedLoginBrandingInput is CreateManagedLoginBranding's request.
type CreateManagedLoginBrandingInput struct {
	UserPoolId               string          `v:"req,len=1:55,pat=poolid"`
	ClientId                 string          `v:"req,len=1:128,pat=clientid"`
	UseCognitoProvidedValues bool            `json:",omitempty"`
	Settings                 json.RawMessage `json:",omitempty"`
	Assets                   []AssetType     `json:",omitempty" v:"len=0:40"`
}

// ManagedLoginBrandingType is a branding style of an app client.
type ManagedLoginBrandingType struct {
	ManagedLoginBrandingId   string `json:",omitempty"`
	UserPoolId               string `json:",omitempty"`
	UseCognitoProvidedValues bool
	Settings                 json.RawMessage `json:",omitempty"`
	Assets                   []AssetType
	CreationDate             *Time `json:",omitempty"`
	LastModifiedDate         *Time `json:",omitempty"`
}

// ManagedLoginBrandingOutput is the answer of the managed login branding
// operations.
type ManagedLoginBrandingOutput struct {
	ManagedLoginBranding *ManagedLoginBrandingType `json:",omitempty"`
}

// DescribeManagedLoginBrandingInput is DescribeManagedLoginBranding's
// request.
type DescribeManagedLoginBrandingInput struct {
	UserPoolId             string `v:"req,len=1:55,pat=poolid"`
	ManagedLoginBrandingId string `v:"req,pat=uuid4"`
	ReturnMergedResources  bool   `json:",omitempty"`
}

// DescribeManagedLoginBrandingByClientInput is
// DescribeManagedLoginBrandingByClient's request.
type DescribeManagedLoginBrandingByClientInput struct {
	UserPoolId            string `v:"req,len=1:55,pat=poolid"`
	ClientId              string `v:"req,len=1:128,pat=clientid"`
	ReturnMergedResources bool   `json:",omitempty"`
}

// UpdateManagedLoginBrandingInput is UpdateManagedLoginBranding's request.
// The model requires no member; a style is named by both ids.
type UpdateManagedLoginBrandingInput struct {
	UserPoolId               string          `json:",omitempty" v:"len=1:55,pat=poolid"`
	ManagedLoginBrandingId   string          `json:",omitempty" v:"pat=uuid4"`
	UseCognitoProvidedValues bool            `json:",omitempty"`
	Settings                 json.RawMessage `json:",omitempty"`
	Assets                   []AssetType     `json:",omitempty" v:"len=0:40"`
}

// DeleteManagedLoginBrandingInput is DeleteManagedLoginBranding's request.
type DeleteManagedLoginBrandingInput struct {
	ManagedLoginBrandingId string `v:"req,pat=uuid4"`
	UserPoolId             string `v:"req,len=1:55,pat=poolid"`
}
