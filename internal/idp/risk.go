package idp

import (
	"context"
	"encoding/json"
	"net/netip"

	"github.com/cognate-idp/cognate/internal/api"
)

// Risk configuration (threat protection): pool-wide or for one app client.
// Cognate stores and returns it; it does not judge sign-ins by it yet
// (README, stored only).

// threatProtectionOn says whether the pool has threat protection (advanced
// security) switched on, which Cognito requires before a risk configuration.
func threatProtectionOn(d *poolDoc) bool {
	var addOns struct{ AdvancedSecurityMode string }
	if len(d.UserPoolAddOns) > 0 {
		_ = json.Unmarshal(d.UserPoolAddOns, &addOns)
	}
	return addOns.AdvancedSecurityMode == "AUDIT" || addOns.AdvancedSecurityMode == "ENFORCED"
}

// SetRiskConfiguration answers SetRiskConfiguration. A call that sets none
// of the three configurations removes the entry.
func (s *Service) SetRiskConfiguration(ctx context.Context, in *api.SetRiskConfigurationInput) (*api.RiskConfigurationOutput, error) {
	key, err := s.uiClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if ex := in.RiskExceptionConfiguration; ex != nil {
		for _, list := range [][]string{ex.BlockedIPRangeList, ex.SkippedIPRangeList} {
			for _, r := range list {
				if _, err := netip.ParsePrefix(r); err != nil {
					return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidIPRange, r)
				}
			}
		}
	}
	if at := in.AccountTakeoverRiskConfiguration; at != nil && at.Actions.LowAction == nil && at.Actions.MediumAction == nil && at.Actions.HighAction == nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTakeoverNoAction)
	}
	now := s.now()
	var out *riskDoc
	_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if !threatProtectionOn(d) {
			return api.Errorf(api.ErrUserPoolAddOnNotEnabled, api.MsgThreatProtectionOff, in.UserPoolId)
		}
		x := extrasOf(d)
		if in.CompromisedCredentialsRiskConfiguration == nil && in.AccountTakeoverRiskConfiguration == nil && in.RiskExceptionConfiguration == nil {
			delete(x.Risk, key)
			return nil
		}
		if x.Risk == nil {
			x.Risk = map[string]*riskDoc{}
		}
		out = &riskDoc{CompromisedCredentials: in.CompromisedCredentialsRiskConfiguration,
			AccountTakeover: in.AccountTakeoverRiskConfiguration, Exceptions: in.RiskExceptionConfiguration, Modified: now}
		x.Risk[key] = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.RiskConfigurationOutput{RiskConfiguration: riskOf(in.UserPoolId, key, out)}, nil
}

// DescribeRiskConfiguration answers DescribeRiskConfiguration: the
// client's own configuration, else the pool-wide one, else an empty one.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, in *api.DescribeRiskConfigurationInput) (*api.RiskConfigurationOutput, error) {
	key, err := s.uiClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var r *riskDoc
	if p.doc.Extras != nil {
		r, key = perClient(p.doc.Extras.Risk, key)
	}
	return &api.RiskConfigurationOutput{RiskConfiguration: riskOf(in.UserPoolId, key, r)}, nil
}

func riskOf(poolID, key string, r *riskDoc) *api.RiskConfigurationType {
	out := &api.RiskConfigurationType{UserPoolId: poolID}
	if key != allClients {
		out.ClientId = key
	}
	if r == nil {
		return out
	}
	m := api.At(r.Modified)
	out.CompromisedCredentialsRiskConfiguration, out.AccountTakeoverRiskConfiguration = r.CompromisedCredentials, r.AccountTakeover
	out.RiskExceptionConfiguration, out.LastModifiedDate = r.Exceptions, &m
	return out
}
