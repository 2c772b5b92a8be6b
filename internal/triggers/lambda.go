package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// Target is where one function runs: an Invoke API endpoint (empty: real
// AWS Lambda) and the function's name there (empty: the name in its ARN).
type Target struct {
	Endpoint     string
	FunctionName string
}

// LambdaConfig is where the functions run.
type LambdaConfig struct {
	// Endpoint is an Invoke API endpoint for every function (SAM local,
	// LocalStack, the Runtime Interface Emulator); empty: real AWS Lambda
	// in each function's region, with the standard credential chain.
	Endpoint string
	// Functions overrides Endpoint and the function name per function ARN.
	Functions map[string]Target
	// Region is the signing region for Endpoint when an ARN names none.
	Region string
	// HTTPClient, when set, carries the calls (tests).
	HTTPClient *http.Client
}

// Lambda is an Invoker over the Lambda Invoke API (aws-sdk-go-v2's lambda
// client, SigV4 for service "lambda").
type Lambda struct {
	c       LambdaConfig
	mu      sync.Mutex
	clients map[string]*lambda.Client // by endpoint + region
}

// NewLambda returns an Invoker for c.
func NewLambda(c LambdaConfig) *Lambda {
	return &Lambda{c: c, clients: map[string]*lambda.Client{}}
}

// Invoke implements Invoker.
func (l *Lambda) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	fn, err := ParseFunctionARN(arn)
	if err != nil {
		return nil, &UnreachableError{Reason: "InvalidParameterValueException", Cause: err}
	}
	t := l.c.Functions[arn]
	if t.Endpoint == "" {
		t.Endpoint = l.c.Endpoint
	}
	in := &lambda.InvokeInput{Payload: payload}
	region := fn.Region
	if t.Endpoint == "" {
		// Real AWS Lambda takes the ARN itself: it names account and version.
		in.FunctionName = aws.String(arn)
	} else {
		in.FunctionName = aws.String(fn.Name)
		if t.FunctionName != "" {
			in.FunctionName = aws.String(t.FunctionName)
		}
		if fn.Qualifier != "" {
			in.Qualifier = aws.String(fn.Qualifier)
		}
		if region == "" {
			region = l.c.Region
		}
	}
	client, err := l.client(ctx, t.Endpoint, region)
	if err != nil {
		return nil, &UnreachableError{Reason: "ConfigurationError", Cause: err}
	}
	out, err := client.Invoke(ctx, in)
	if err != nil {
		return nil, classify(err)
	}
	if out.FunctionError != nil || isErrorDocument(out.Payload) {
		return nil, functionError(out.Payload)
	}
	return out.Payload, nil
}

// client returns the Lambda client for an endpoint and region, made once.
func (l *Lambda) client(ctx context.Context, endpoint, region string) (*lambda.Client, error) {
	key := endpoint + "\x00" + region
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.clients[key]; ok {
		return c, nil
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(region), config.WithRetryMaxAttempts(1)}
	if l.c.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(l.c.HTTPClient))
	}
	if endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		// Local Invoke endpoints check no signature; do not send the
		// credential chain hunting (instance metadata) for one.
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("cognate", "cognate", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	c := lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	l.clients[key] = c
	return c, nil
}

// isErrorDocument recognises a function error the Invoke endpoint did not
// mark with X-Amz-Function-Error (the Runtime Interface Emulator answers
// 200 with the error document alone): an object whose only members are
// errorMessage, errorType and stackTrace.
func isErrorDocument(p []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(p, &m) != nil {
		return false
	}
	if _, ok := m["errorMessage"]; !ok {
		return false
	}
	for k := range m {
		switch k {
		case "errorMessage", "errorType", "stackTrace", "requestId", "cause":
		default:
			return false
		}
	}
	return true
}

func functionError(p []byte) *FunctionError {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(p, &doc) != nil || doc.ErrorMessage == "" {
		// An unhandled error whose payload says nothing (a crash, a
		// time-out inside Lambda): Cognito reports the type it was given.
		doc.ErrorMessage = strings.TrimSpace(string(p))
		if len(doc.ErrorMessage) > 200 {
			doc.ErrorMessage = doc.ErrorMessage[:200]
		}
	}
	return &FunctionError{Type: doc.ErrorType, Message: doc.ErrorMessage}
}

// classify turns an Invoke failure into an UnreachableError: the Lambda
// API's error code when it answered one, retried when a later attempt may
// do better (throttling, the service's own failures, no connection).
func classify(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		retry := code == "TooManyRequestsException" || code == "ServiceException" ||
			strings.HasSuffix(code, "LimitExceededException") || code == "ResourceConflictException"
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			retry = true
		}
		return &UnreachableError{Reason: code, Retry: retry, Cause: err}
	}
	if errors.Is(err, context.Canceled) {
		return &UnreachableError{Reason: "RequestCanceled", Cause: err}
	}
	return &UnreachableError{Reason: "ConnectionError", Retry: true, Cause: err}
}

// FunctionARN is a Lambda function ARN's parts:
// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
type FunctionARN struct {
	Region, Account, Name, Qualifier string
}

// ParseFunctionARN splits a function ARN.
func ParseFunctionARN(arn string) (FunctionARN, error) {
	p := strings.Split(arn, ":")
	if len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" || p[6] == "" {
		return FunctionARN{}, fmt.Errorf("not a Lambda function ARN: %q", arn)
	}
	f := FunctionARN{Region: p[3], Account: p[4], Name: p[6]}
	if len(p) == 8 {
		f.Qualifier = p[7]
	}
	return f, nil
}
