package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// rawClient speaks the AWS JSON 1.1 protocol with nothing but net/http and
// encoding/json, so the measured requests carry no SDK overhead (no
// middleware stack, no retries, no signing).
type rawClient struct {
	endpoint string
	hc       *http.Client
	timeout  time.Duration
}

// newHTTPClient is the one keep-alive client every request shares. conns is
// the largest number of requests that can be in flight at once.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil, // loopback measurements must not detour through a proxy
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// apiError is a Cognito exception answered by the server.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// unexpectedError is a well-formed answer the workload did not expect, such
// as the wrong challenge.
type unexpectedError struct{ what string }

func (e *unexpectedError) Error() string { return "unexpected response: " + e.what }

func unexpected(format string, args ...any) error {
	return &unexpectedError{fmt.Sprintf(format, args...)}
}

// call posts one operation and decodes its answer into out (may be nil).
func (c *rawClient) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(data, &e)
		code := resp.Header.Get("X-Amzn-ErrorType")
		if code == "" {
			code = e.Type
		}
		return &apiError{Status: resp.StatusCode, Code: cleanCode(code, resp.StatusCode), Message: e.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &unexpectedError{"undecodable " + op + " answer"}
	}
	return nil
}

// cleanCode reduces an error type to its bare name as the SDKs do:
// "aws.protocol#NotAuthorizedException:http://..." → NotAuthorizedException.
func cleanCode(code string, status int) string {
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = fmt.Sprintf("HTTP%d", status)
	}
	return code
}

// errorKind names an error for the report: the exception name for server
// answers, else a short category.
func errorKind(err error) string {
	var ae *apiError
	var ue *unexpectedError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		return ae.Code
	case errors.As(err, &ue):
		return "UnexpectedResponse"
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout"
	case errors.As(err, &ne) && ne.Timeout():
		return "Timeout"
	default:
		return "TransportError"
	}
}

// The wire shapes this tool reads.

type authResult struct {
	AccessToken       string `json:"AccessToken"`
	IdToken           string `json:"IdToken"`
	RefreshToken      string `json:"RefreshToken"`
	ExpiresIn         int    `json:"ExpiresIn"`
	NewDeviceMetadata *struct {
		DeviceKey      string `json:"DeviceKey"`
		DeviceGroupKey string `json:"DeviceGroupKey"`
	} `json:"NewDeviceMetadata"`
}

type authOutput struct {
	ChallengeName        string            `json:"ChallengeName"`
	Session              string            `json:"Session"`
	ChallengeParameters  map[string]string `json:"ChallengeParameters"`
	AuthenticationResult *authResult       `json:"AuthenticationResult"`
}

type initiateAuthInput struct {
	ClientId       string            `json:"ClientId"`
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
}

type respondInput struct {
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session,omitempty"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
}

func (c *rawClient) initiateAuth(ctx context.Context, in initiateAuthInput) (*authOutput, error) {
	var out authOutput
	if err := c.call(ctx, "InitiateAuth", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *rawClient) respond(ctx context.Context, in respondInput) (*authOutput, error) {
	var out authOutput
	if err := c.call(ctx, "RespondToAuthChallenge", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// wantChallenge checks an auth answer is the named challenge.
func wantChallenge(out *authOutput, name string) error {
	if out.ChallengeName != name || out.Session == "" {
		got := out.ChallengeName
		if got == "" && out.AuthenticationResult != nil {
			got = "tokens"
		}
		return unexpected("want %s, got %q", name, got)
	}
	return nil
}

// wantTokens checks an auth answer ends the sign-in.
func wantTokens(out *authOutput) (*authResult, error) {
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "" {
		return nil, unexpected("want tokens, got challenge %q", out.ChallengeName)
	}
	return out.AuthenticationResult, nil
}
