package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/triggers"
	"gopkg.in/yaml.v3"
)

// declaredPool is one pool of a --config file. Its members are those of
// CreateUserPool, plus the fixed Id, the MFA configuration and the clients.
type declaredPool struct {
	Id string
	api.CreateUserPoolInput
	SoftwareTokenMfaConfiguration *api.SoftwareTokenMfaConfig
	// SmsMfaConfiguration and EmailMfaConfiguration are
	// SetUserPoolMfaConfig's, for SMS and email MFA.
	SmsMfaConfiguration   json.RawMessage
	EmailMfaConfiguration json.RawMessage
	Clients               []declaredClient
}

// declaredClient is one app client: CreateUserPoolClient's members plus a
// fixed ClientId and, optionally, a fixed ClientSecret.
type declaredClient struct {
	ClientId     string
	ClientSecret string
	api.CreateUserPoolClientInput
}

type configFile struct {
	UserPools []declaredPool
	// Lambda says where single trigger functions run, by function ARN:
	//
	//	Lambda:
	//	  Functions:
	//	    arn:aws:lambda:us-east-1:123456789012:function:pre-signup:
	//	      Endpoint: http://127.0.0.1:3001
	//	      FunctionName: PreSignUpFunction
	Lambda struct {
		Functions map[string]triggers.Target
	}
}

// lambdaOverrides reads the config file's Lambda section.
func lambdaOverrides(path string) (map[string]triggers.Target, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg configFile
	if err := decodeConfig(raw, &cfg); err != nil {
		return nil, err
	}
	for arn := range cfg.Lambda.Functions {
		if _, err := triggers.ParseFunctionARN(arn); err != nil {
			return nil, fmt.Errorf("Lambda.Functions: %w", err)
		}
	}
	return cfg.Lambda.Functions, nil
}

// applyConfig creates the declared pools and clients that do not exist yet;
// existing ones are left as they are.
func applyConfig(ctx context.Context, svc *idp.Service, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cfg configFile
	if err := decodeConfig(raw, &cfg); err != nil {
		return err
	}
	for _, p := range cfg.UserPools {
		if p.Id == "" {
			return fmt.Errorf("a pool has no Id")
		}
		if err := api.Validate(&p.CreateUserPoolInput); err != nil {
			return fmt.Errorf("pool %s: %w", p.Id, err)
		}
		_, err := svc.DescribeUserPool(ctx, &api.DescribeUserPoolInput{UserPoolId: p.Id})
		if api.IsCode(err, api.ErrResourceNotFound) {
			if _, err := svc.CreatePool(ctx, p.Id, &p.CreateUserPoolInput); err != nil {
				return fmt.Errorf("pool %s: %w", p.Id, err)
			}
			if p.SoftwareTokenMfaConfiguration != nil || p.SmsMfaConfiguration != nil || p.EmailMfaConfiguration != nil {
				in := &api.SetUserPoolMfaConfigInput{UserPoolId: p.Id, UserPoolMfaConfig: api.UserPoolMfaConfig{SoftwareTokenMfaConfiguration: p.SoftwareTokenMfaConfiguration,
					SmsMfaConfiguration: p.SmsMfaConfiguration, EmailMfaConfiguration: p.EmailMfaConfiguration}}
				if err := api.Validate(in); err != nil {
					return fmt.Errorf("pool %s: %w", p.Id, err)
				}
				if _, err := svc.SetUserPoolMfaConfig(ctx, in); err != nil {
					return fmt.Errorf("pool %s: %w", p.Id, err)
				}
			}
		} else if err != nil {
			return err
		}
		for _, c := range p.Clients {
			if c.ClientId == "" {
				return fmt.Errorf("pool %s: a client has no ClientId", p.Id)
			}
			c.UserPoolId = p.Id
			if err := api.Validate(&c.CreateUserPoolClientInput); err != nil {
				return fmt.Errorf("client %s: %w", c.ClientId, err)
			}
			_, err := svc.DescribeUserPoolClient(ctx, &api.DescribeUserPoolClientInput{UserPoolId: p.Id, ClientId: c.ClientId})
			if api.IsCode(err, api.ErrResourceNotFound) {
				if _, err := svc.CreateClient(ctx, c.ClientId, c.ClientSecret, &c.CreateUserPoolClientInput); err != nil {
					return fmt.Errorf("client %s: %w", c.ClientId, err)
				}
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeConfig reads YAML (a superset of JSON) and decodes it through JSON,
// so that members are matched exactly as the API matches them.
func decodeConfig(raw []byte, v any) error {
	var tree any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		return err
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
