package triggers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

func TestParseFunctionARN(t *testing.T) {
	f, err := ParseFunctionARN("arn:aws:lambda:eu-west-1:123456789012:function:pre:live")
	if err != nil || f.Region != "eu-west-1" || f.Account != "123456789012" || f.Name != "pre" || f.Qualifier != "live" {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range []string{"", "pre", "arn:aws:s3:::bucket", "arn:aws:lambda:eu-west-1:1:layer:x", "arn:aws:lambda:r:1:function:", "arn:aws:lambda:r:1:function:a:b:c"} {
		if _, err := ParseFunctionARN(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestIsErrorDocument(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"errorMessage":"no","errorType":"errorString"}`:       true,
		`{"errorMessage":"no","errorType":"X","stackTrace":[]}`: true,
		`{"errorMessage":"no","response":{}}`:                   false, // an event that happens to carry the member
		`{"version":"1","response":{}}`:                         false,
		`"errorMessage"`:                                        false,
	} {
		if got := isErrorDocument([]byte(doc)); got != want {
			t.Errorf("%s: %v, want %v", doc, got, want)
		}
	}
}

type scripted struct {
	answers []func(ctx context.Context) ([]byte, error)
	calls   int
}

func (s *scripted) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	f := s.answers[min(s.calls, len(s.answers)-1)]
	s.calls++
	return f(ctx)
}

func code(err error) string {
	if e, ok := api.As(err); ok {
		return e.Code + ": " + e.Message
	}
	return "not an api error"
}

func TestCallMapsFailures(t *testing.T) {
	ok := func(context.Context) ([]byte, error) { return []byte(`{"response":{"n":2}}`), nil }
	hang := func(ctx context.Context) ([]byte, error) { <-ctx.Done(); return nil, ctx.Err() }
	refused := func(context.Context) ([]byte, error) {
		return nil, &UnreachableError{Reason: "ConnectionError", Retry: true, Cause: errors.New("refused")}
	}
	denied := func(context.Context) ([]byte, error) {
		return nil, &UnreachableError{Reason: "AccessDeniedException", Cause: errors.New("no")}
	}
	failed := func(context.Context) ([]byte, error) { return nil, &FunctionError{Message: "bad email"} }
	garbage := func(context.Context) ([]byte, error) { return []byte(`null`), nil }
	for _, tc := range []struct {
		name    string
		answers []func(context.Context) ([]byte, error)
		want    string
		calls   int
	}{
		{"ok", []func(context.Context) ([]byte, error){ok}, "", 1},
		{"retried until it answers", []func(context.Context) ([]byte, error){hang, refused, ok}, "", 3},
		{"timeouts", []func(context.Context) ([]byte, error){hang}, "UnexpectedLambdaException: PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.", 3},
		{"refused", []func(context.Context) ([]byte, error){refused}, "UnexpectedLambdaException: PreSignUp invocation failed due to error ConnectionError.", 3},
		{"denied is not retried", []func(context.Context) ([]byte, error){denied}, "UnexpectedLambdaException: PreSignUp invocation failed due to error AccessDeniedException.", 1},
		{"function error", []func(context.Context) ([]byte, error){failed}, "UserLambdaValidationException: PreSignUp failed with error bad email.", 1},
		{"not a document", []func(context.Context) ([]byte, error){garbage}, "InvalidLambdaResponseException: Unrecognizable lambda output", 1},
	} {
		inv := &scripted{answers: tc.answers}
		r := New(Config{Invoker: inv, Timeout: 20 * time.Millisecond})
		var resp struct{ N int }
		err := r.Call(context.Background(), PreSignUp, "arn:aws:lambda:us-east-1:1:function:f", &Event{}, &resp)
		got := ""
		if err != nil {
			got = code(err)
		}
		if got != tc.want || inv.calls != tc.calls {
			t.Errorf("%s: %q after %d calls, want %q after %d", tc.name, got, inv.calls, tc.want, tc.calls)
		}
		if err == nil && resp.N != 2 {
			t.Errorf("%s: response not decoded: %+v", tc.name, resp)
		}
	}
}
