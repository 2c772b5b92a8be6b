package triggers_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

// The added latency of a PreTokenGeneration trigger per sign-in
// (BENCHMARKS.md): the same USER_PASSWORD_AUTH through the SDK against a
// pool without triggers and one whose V2_0 function adds a claim, and a
// bare Invoke of the emulator with the same event, to tell the emulator's
// share from Cognate's. Each reports the median of its iterations
// (median-ms); the emulator runs one invocation at a time.
//
//	go test ./e2e/triggers/ -run '^$' -bench 'SignIn|BareInvoke' -benchtime 300x

// median reports the median of the durations as median-ms.
func median(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	if len(d) > 0 {
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "median-ms")
	}
}

func signInBench(b *testing.B, trigger bool) {
	e := newEnv(b)
	var lc *types.LambdaConfigType
	if trigger {
		lc = versioned(types.PreTokenGenerationLambdaVersionTypeV20)
	}
	poolID, clientID := e.pool(lc)
	e.user(poolID, "bench")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponseV2_0{ClaimsAndScopeOverrideDetails: events.ClaimsAndScopeOverrideDetailsV2_0{
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"tenant": "acme"}}}}}
	})
	defer emu.Handle(nil)
	// Warm up the connections (SDK to Cognate, Cognate to the emulator).
	for i := 0; i < 5; i++ {
		if _, err := e.signIn(clientID, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, err := e.signIn(clientID, "bench")
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if trigger && i == 0 {
			if claimsOf(b, *out.AuthenticationResult.AccessToken)["tenant"] != "acme" {
				b.Fatal("the trigger's claim is missing")
			}
		}
	}
	b.StopTimer()
	median(b, took)
}

func BenchmarkSignInWithoutTrigger(b *testing.B)         { signInBench(b, false) }
func BenchmarkSignInWithPreTokenGeneration(b *testing.B) { signInBench(b, true) }

// BenchmarkBareInvoke invokes the emulator's function directly (the Lambda
// client, as Cognate's invoker makes it, by the name its ARN gives) with a recorded
// TokenGeneration_Authentication event: the emulator's own share of the
// trigger's cost (its relay, the runtime, the handler's report to the
// test's control server).
func BenchmarkBareInvoke(b *testing.B) {
	e := newEnv(b)
	poolID, clientID := e.pool(versioned(types.PreTokenGenerationLambdaVersionTypeV20))
	e.user(poolID, "bench")
	emu.Handle(nil)
	defer emu.Handle(nil)
	if _, err := e.signIn(clientID, "bench"); err != nil {
		b.Fatal(err)
	}
	calls := emu.Calls()
	if len(calls) != 1 {
		b.Fatalf("%d calls", len(calls))
	}
	payload := []byte(calls[0].Raw)
	lc := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(emu.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("cognate", "cognate", "")})
	invoke := func() {
		out, err := lc.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("function"), Payload: payload})
		if err != nil || out.FunctionError != nil || !json.Valid(out.Payload) {
			b.Fatalf("invoke: %v %v", err, out)
		}
	}
	for i := 0; i < 5; i++ {
		invoke()
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		invoke()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	median(b, took)
}
