package api

// ---- Identity providers (federation) ----

// CreateIdentityProviderInput is CreateIdentityProvider's request.
type CreateIdentityProviderInput struct {
	UserPoolId       string            `v:"req,len=1:55,pat=poolid"`
	ProviderName     string            `v:"req,len=1:32,pat=providernamev2"`
	ProviderType     string            `v:"req,enum=SAML|Facebook|Google|LoginWithAmazon|SignInWithApple|OIDC"`
	ProviderDetails  map[string]string `v:"req"`
	AttributeMapping map[string]string `json:",omitempty"`
	IdpIdentifiers   []string          `json:",omitempty" v:"len=0:50"`
}

// UpdateIdentityProviderInput is UpdateIdentityProvider's request.
type UpdateIdentityProviderInput struct {
	UserPoolId       string            `v:"req,len=1:55,pat=poolid"`
	ProviderName     string            `v:"req,len=1:32,pat=providername"`
	ProviderDetails  map[string]string `json:",omitempty"`
	AttributeMapping map[string]string `json:",omitempty"`
	IdpIdentifiers   []string          `json:",omitempty" v:"len=0:50"`
}

// DescribeIdentityProviderInput is DescribeIdentityProvider's request.
type DescribeIdentityProviderInput struct {
	UserPoolId   string `v:"req,len=1:55,pat=poolid"`
	ProviderName string `v:"req,len=1:32,pat=providername"`
}

// DeleteIdentityProviderInput is DeleteIdentityProvider's request.
type DeleteIdentityProviderInput struct {
	UserPoolId   string `v:"req,len=1:55,pat=poolid"`
	ProviderName string `v:"req,len=1:32,pat=providername"`
}

// GetIdentityProviderByIdentifierInput is its request.
type GetIdentityProviderByIdentifierInput struct {
	UserPoolId    string `v:"req,len=1:55,pat=poolid"`
	IdpIdentifier string `v:"req,len=1:40,pat=idpidentifier"`
}

// ListIdentityProvidersInput is ListIdentityProviders' request.
type ListIdentityProvidersInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	MaxResults *int32 `json:",omitempty" v:"range=0:60"`
	NextToken  string `json:",omitempty" v:"len=1:-1,pat=nospace"`
}

// IdentityProviderType is a provider as Cognito describes it.
type IdentityProviderType struct {
	UserPoolId       string
	ProviderName     string
	ProviderType     string
	ProviderDetails  map[string]string
	AttributeMapping map[string]string
	IdpIdentifiers   []string
	LastModifiedDate Time
	CreationDate     Time
}

// IdentityProviderOutput wraps a provider.
type IdentityProviderOutput struct {
	IdentityProvider *IdentityProviderType
}

// ProviderDescription is a provider in ListIdentityProviders.
type ProviderDescription struct {
	ProviderName     string
	ProviderType     string
	LastModifiedDate Time
	CreationDate     Time
}

// ListIdentityProvidersOutput is ListIdentityProviders' answer.
type ListIdentityProvidersOutput struct {
	Providers []ProviderDescription
	NextToken string `json:",omitempty"`
}

// ProviderUserIdentifierType names a user of a provider (Cognito for the
// pool's own).
type ProviderUserIdentifierType struct {
	ProviderName           string `json:",omitempty" v:"len=1:32"`
	ProviderAttributeName  string `json:",omitempty" v:"len=0:131072"`
	ProviderAttributeValue string `json:",omitempty" v:"len=0:131072"`
}

// AdminLinkProviderForUserInput is AdminLinkProviderForUser's request.
type AdminLinkProviderForUserInput struct {
	// The model gives UserPoolId no pattern here (a StringType).
	UserPoolId      string                      `v:"req,len=0:131072"`
	DestinationUser *ProviderUserIdentifierType `v:"req"`
	SourceUser      *ProviderUserIdentifierType `v:"req"`
}

// AdminDisableProviderForUserInput is AdminDisableProviderForUser's request.
type AdminDisableProviderForUserInput struct {
	UserPoolId string                      `v:"req,len=0:131072"`
	User       *ProviderUserIdentifierType `v:"req"`
}
