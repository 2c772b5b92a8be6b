// Package triggers calls a user pool's Lambda triggers (its LambdaConfig)
// as Cognito does: synchronously, through the Lambda Invoke API, with
// Cognito's event documents, and maps what goes wrong to Cognito's errors:
//
//   - the function ran and returned an error: UserLambdaValidationException
//     "<Trigger> failed with error <message>.";
//   - its answer is not an event document with a usable response:
//     InvalidLambdaResponseException "Unrecognizable lambda output";
//   - it could not be reached, was throttled or did not answer in time:
//     UnexpectedLambdaException, after Cognito's retries (each attempt waits
//     Timeout, 5 s by default; Attempts in all, 3 by default).
//
// Where the functions run is the Invoker's business (lambda.go): real AWS
// Lambda, or any endpoint that speaks the Invoke API (SAM local,
// LocalStack, the Lambda Runtime Interface Emulator).
package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

// The triggers, by the LambdaConfig member that names each one's function
// (and the name Cognito's error messages give it).
const (
	PreSignUp                   = "PreSignUp"
	CustomMessage               = "CustomMessage"
	PostConfirmation            = "PostConfirmation"
	PreAuthentication           = "PreAuthentication"
	PostAuthentication          = "PostAuthentication"
	DefineAuthChallenge         = "DefineAuthChallenge"
	CreateAuthChallenge         = "CreateAuthChallenge"
	VerifyAuthChallengeResponse = "VerifyAuthChallengeResponse"
	PreTokenGeneration          = "PreTokenGeneration"
	UserMigration               = "UserMigration"
)

// Invoker calls a Lambda function synchronously (InvocationType
// RequestResponse) and returns what it answered. A function that ran and
// failed gives a *FunctionError.
type Invoker interface {
	Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, error)
}

// FunctionError is a function's own error: it ran and returned one.
type FunctionError struct {
	Type    string // errorType
	Message string // errorMessage
}

func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

// UnreachableError is an invocation that never got an answer from the
// function: Reason says why, in words fit for the caller (the Lambda API's
// error code, or a timeout); Retry whether another attempt may succeed.
type UnreachableError struct {
	Reason string
	Retry  bool
	Cause  error
}

func (e *UnreachableError) Error() string { return e.Reason + ": " + e.Cause.Error() }
func (e *UnreachableError) Unwrap() error { return e.Cause }

// CallerContext is the event's callerContext.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// Event is one trigger's document, as Cognito sends it. Request and
// Response are the trigger's own shapes (events.go).
type Event struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
	Request       any           `json:"request"`
	Response      any           `json:"response"`
}

// Observer is told of each call: the trigger, how it ended (one of the
// Outcome* values) and how long it took, retries included.
type Observer func(trigger, outcome string, took time.Duration)

// The outcomes an Observer is told.
const (
	OutcomeOK          = "ok"
	OutcomeFunctionErr = "function_error"
	OutcomeInvalid     = "invalid_response"
	OutcomeUnreachable = "unreachable"
)

// Config is what a Runner needs.
type Config struct {
	Invoker Invoker
	Region  string
	// Timeout is how long one attempt may take (Cognito: 5 s).
	Timeout time.Duration
	// Attempts is how many times an unreachable function is tried (Cognito: 3).
	Attempts int
	Logger   *slog.Logger
	Observer Observer
}

// Runner calls triggers. A nil *Runner calls none: every Call is refused
// with UnexpectedLambdaException, as for a function that cannot be reached.
type Runner struct {
	c Config
}

// New returns a Runner.
func New(c Config) *Runner {
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return &Runner{c: c}
}

// Region is the region events carry.
func (r *Runner) Region() string { return r.c.Region }

// Call sends ev to the function arn as the trigger named trigger, and
// decodes the response member of the function's answer into resp (a
// pointer to the trigger's response shape; nil when the trigger's answer
// is ignored). resp keeps what it held for members the answer leaves out.
func (r *Runner) Call(ctx context.Context, trigger, arn string, ev *Event, resp any) error {
	if ev.Region == "" {
		ev.Region = r.c.Region
	}
	if ev.Version == "" {
		ev.Version = "1"
	}
	if ev.Response == nil {
		ev.Response = map[string]any{}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return api.Internal(err)
	}
	start := time.Now()
	out, err := r.invoke(ctx, arn, payload)
	outcome := OutcomeOK
	defer func() {
		if r.c.Observer != nil {
			r.c.Observer(trigger, outcome, time.Since(start))
		}
	}()
	var fe *FunctionError
	var ue *UnreachableError
	switch {
	case errors.As(err, &fe):
		outcome = OutcomeFunctionErr
		return api.Errorf(api.ErrUserLambdaValidation, api.MsgLambdaFailed, trigger, fe.Message)
	case errors.As(err, &ue):
		outcome = OutcomeUnreachable
		r.c.Logger.Warn("lambda trigger unreachable", "trigger", trigger, "function", arn, "err", err)
		return api.Errorf(api.ErrUnexpectedLambda, api.MsgLambdaInvocation, trigger, ue.Reason)
	case err != nil:
		outcome = OutcomeUnreachable
		r.c.Logger.Warn("lambda trigger failed", "trigger", trigger, "function", arn, "err", err)
		return api.Errorf(api.ErrUnexpectedLambda, api.MsgLambdaInvocation, trigger, api.MsgLambdaUnreachable)
	}
	if err := decodeAnswer(out, resp); err != nil {
		outcome = OutcomeInvalid
		r.c.Logger.Warn("lambda trigger answered an unusable document", "trigger", trigger, "function", arn, "err", err)
		return api.Errorf(api.ErrInvalidLambdaResponse, api.MsgLambdaUnrecognized)
	}
	return nil
}

// invoke tries the function up to Attempts times while it cannot be
// reached, each attempt bounded by Timeout.
func (r *Runner) invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	if r.c.Invoker == nil {
		return nil, &UnreachableError{Reason: api.MsgLambdaUnreachable, Cause: errors.New("no Lambda invoker configured")}
	}
	var err error
	for attempt := 0; attempt < r.c.Attempts; attempt++ {
		var out []byte
		actx, cancel := context.WithTimeout(ctx, r.c.Timeout)
		out, err = r.c.Invoker.Invoke(actx, arn, payload)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			return out, nil
		}
		if timedOut {
			err = &UnreachableError{Reason: api.MsgLambdaTimeout, Retry: true, Cause: err}
		}
		var ue *UnreachableError
		if !errors.As(err, &ue) || !ue.Retry || ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, err
}

// decodeAnswer checks that a function's answer is an event document and
// decodes its response member into resp.
func decodeAnswer(out []byte, resp any) error {
	var doc struct {
		Response json.RawMessage `json:"response"`
	}
	trimmed := bytes.TrimSpace(out)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("the answer is not a JSON object")
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		return err
	}
	if resp == nil || len(doc.Response) == 0 || string(doc.Response) == "null" {
		return nil
	}
	return json.Unmarshal(doc.Response, resp)
}
