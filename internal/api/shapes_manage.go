package api

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
