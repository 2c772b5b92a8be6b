package idp

import (
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

// poolExtras holds what a pool keeps for its hosted pages and its threat
// protection, by app client id ("ALL" for the pool-wide entry, as Cognito
// names it).
type poolExtras struct {
	UI   map[string]*uiDoc   `json:",omitempty"`
	Risk map[string]*riskDoc `json:",omitempty"`
	// Terms are the clients' terms documents, by terms id.
	Terms map[string]*termsDoc `json:",omitempty"`
	// LogDelivery is the pool's SetLogDeliveryConfiguration.
	LogDelivery []api.LogConfigurationType `json:",omitempty"`
}

// uiDoc is one SetUICustomization.
type uiDoc struct {
	CSS      string `json:",omitempty"`
	Image    []byte `json:",omitempty"`
	Version  string `json:",omitempty"`
	Created  time.Time
	Modified time.Time
}

// riskDoc is one SetRiskConfiguration.
type riskDoc struct {
	CompromisedCredentials *api.CompromisedCredentialsRiskConfiguration `json:",omitempty"`
	AccountTakeover        *api.AccountTakeoverRiskConfiguration        `json:",omitempty"`
	Exceptions             *api.RiskExceptionConfiguration              `json:",omitempty"`
	Modified               time.Time
}

// allClients is the client id of a pool-wide entry.
const allClients = "ALL"

func extrasOf(d *poolDoc) *poolExtras {
	if d.Extras == nil {
		d.Extras = &poolExtras{}
	}
	return d.Extras
}
