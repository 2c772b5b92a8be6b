package triggers_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
	"github.com/prometheus/common/expfmt"
	prommodel "github.com/prometheus/common/model"
)

// Each trigger call is counted by trigger and outcome, and timed, in
// /metrics (read with Prometheus' own text parser): two calls that pass,
// one the function refuses.
func TestTriggerCallsCounted(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(nil)
	for _, name := range []string{"mia", "ned"} {
		if err := signUp(e, clientID, name); err != nil {
			t.Fatal(err)
		}
	}
	emu.Handle(func(*lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "no"} })
	wantErr(t, signUp(e, clientID, "oz"), "UserLambdaValidationException", "PreSignUp failed with error no.")

	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(prommodel.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	value := func(name string, labels map[string]string) (float64, uint64) {
	next:
		for _, m := range fams[name].GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			return m.GetCounter().GetValue(), m.GetHistogram().GetSampleCount()
		}
		return 0, 0
	}
	if fams["cognate_trigger_calls_total"] == nil {
		t.Fatal("no cognate_trigger_calls_total")
	}
	if ok, _ := value("cognate_trigger_calls_total", map[string]string{"trigger": "PreSignUp", "outcome": "ok"}); ok != 2 {
		t.Errorf("ok calls %v, want 2", ok)
	}
	if failed, _ := value("cognate_trigger_calls_total", map[string]string{"trigger": "PreSignUp", "outcome": "function_error"}); failed != 1 {
		t.Errorf("function errors %v, want 1", failed)
	}
	if _, n := value("cognate_trigger_duration_seconds", map[string]string{"trigger": "PreSignUp"}); n != 3 {
		t.Errorf("timed calls %d, want 3", n)
	}
}
