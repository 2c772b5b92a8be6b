// Command bootstrap is the Lambda function of Cognate's trigger tests: one
// handler for every trigger source (the Runtime Interface Emulator serves
// one function). It decodes each event into aws-lambda-go's type for its
// trigger source, as a real handler would, reports what that decoding kept
// and lost to the test's control server (COGNATE_LAMBDATEST_CONTROL), and
// answers as the test tells it: a response decoded through the same type,
// an error, a raw document, or nothing for a while.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// report is what the control server is told of one invocation.
type report struct {
	Raw       json.RawMessage `json:"raw"`
	Typed     json.RawMessage `json:"typed"`
	Type      string          `json:"type"`
	Lost      []string        `json:"lost"`
	DecodeErr string          `json:"decodeErr,omitempty"`
}

// reply is what the control server answers.
type reply struct {
	Response json.RawMessage `json:"response,omitempty"`
	Error    string          `json:"error,omitempty"`
	Raw      json.RawMessage `json:"raw,omitempty"`
	SleepMS  int             `json:"sleepMs,omitempty"`
}

// typedEvent returns a new value of aws-lambda-go's type for a trigger
// source and event version.
func typedEvent(source, version string) any {
	prefix, _, _ := strings.Cut(source, "_")
	switch prefix {
	case "PreSignUp":
		return &events.CognitoEventUserPoolsPreSignup{}
	case "PostConfirmation":
		return &events.CognitoEventUserPoolsPostConfirmation{}
	case "PreAuthentication":
		return &events.CognitoEventUserPoolsPreAuthentication{}
	case "PostAuthentication":
		return &events.CognitoEventUserPoolsPostAuthentication{}
	case "TokenGeneration":
		if version == "1" {
			return &events.CognitoEventUserPoolsPreTokenGen{}
		}
		return &events.CognitoEventUserPoolsPreTokenGenV2_0{}
	case "CustomMessage":
		return &events.CognitoEventUserPoolsCustomMessage{}
	case "UserMigration":
		return &events.CognitoEventUserPoolsMigrateUser{}
	case "DefineAuthChallenge":
		return &events.CognitoEventUserPoolsDefineAuthChallenge{}
	case "CreateAuthChallenge":
		return &events.CognitoEventUserPoolsCreateAuthChallenge{}
	case "VerifyAuthChallengeResponse":
		return &events.CognitoEventUserPoolsVerifyAuthChallenge{}
	}
	return nil
}

func handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var hdr events.CognitoEventUserPoolsHeader
	_ = json.Unmarshal(raw, &hdr)
	rep := report{Raw: raw}
	ev := typedEvent(hdr.TriggerSource, hdr.Version)
	if ev == nil {
		rep.DecodeErr = "no aws-lambda-go type for trigger source " + hdr.TriggerSource
	} else {
		rep.Type = reflect.TypeOf(ev).Elem().Name()
		if err := json.Unmarshal(raw, ev); err != nil {
			rep.DecodeErr = err.Error()
		}
		rep.Typed, _ = json.Marshal(ev)
		var a, b any
		_ = json.Unmarshal(raw, &a)
		_ = json.Unmarshal(rep.Typed, &b)
		rep.Lost = lost("", a, b)
	}
	body, _ := json.Marshal(rep)
	resp, err := http.Post(os.Getenv("COGNATE_LAMBDATEST_CONTROL"), "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("HARNESS: control server: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("HARNESS: control reply %q: %w", b, err)
	}
	if r.SleepMS > 0 {
		time.Sleep(time.Duration(r.SleepMS) * time.Millisecond)
	}
	switch {
	case r.Error != "":
		return nil, errors.New(r.Error)
	case len(r.Raw) > 0:
		return r.Raw, nil
	case ev == nil:
		return raw, nil
	}
	if len(r.Response) > 0 {
		// The answer goes through aws-lambda-go's response type, strictly:
		// a member it does not have is the test's mistake.
		field := reflect.ValueOf(ev).Elem().FieldByName("Response").Addr().Interface()
		dec := json.NewDecoder(bytes.NewReader(r.Response))
		dec.DisallowUnknownFields()
		if err := dec.Decode(field); err != nil {
			return nil, fmt.Errorf("HARNESS: response does not fit %s: %w", rep.Type, err)
		}
	}
	return json.Marshal(ev)
}

// lost lists the members of a (the document sent) that b (the same after
// a round trip through the typed event) does not hold with the same value.
func lost(path string, a, b any) []string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for k, v := range av {
			out = append(out, lost(path+"."+k, v, bv[k])...)
		}
		return out
	case []any:
		bv, ok := b.([]any)
		if !ok || len(bv) != len(av) {
			return []string{path}
		}
		var out []string
		for i := range av {
			out = append(out, lost(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(a, b) {
			return []string{path}
		}
		return nil
	}
}

func main() { lambda.Start(handle) }
