package sdk_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	prommodel "github.com/prometheus/common/model"
)

// scrape reads the server's /metrics with Prometheus' own text parser.
func scrape(t *testing.T, e *env) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(prommodel.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// sample finds the metric of a family with exactly the given labels.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m
	}
	return nil
}

func counter(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	m := sample(fams, name, labels)
	if m == nil {
		return 0
	}
	return m.GetCounter().GetValue()
}

// TestMetrics: after a known sequence of sign-ups and sign-ins (a success,
// wrong passwords up to a lockout, an unknown user, MFA set-up and a wrong
// TOTP code) /metrics, read with Prometheus' parser, counts each exactly,
// and no label carries a user name or an address.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	alice := e.user(poolID, clientID)
	bob := e.user(poolID, clientID)
	must(e.passwordAuth(clientID, alice, password))(t)
	for range 5 {
		_, err := e.passwordAuth(clientID, alice, "Wr0ng-Horse!")
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password")
	}
	_, err := e.passwordAuth(clientID, alice, password)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	_, err = e.passwordAuth(clientID, "nobody", password)
	wantErr(t, err, "UserNotFoundException", "")

	mfaPool, mfaClient := e.pool(types.UserPoolMfaTypeOn)
	carol := e.user(mfaPool, mfaClient)
	secret, _ := e.enrol(mfaClient, carol)
	valid := map[string]bool{e.totpCode(secret, -1): true, e.totpCode(secret, 0): true, e.totpCode(secret, 1): true}
	wrong := "000000"
	for valid[wrong] {
		wrong = fmt.Sprintf("%06d", (int(wrong[0]-'0')+1)*111111)
	}
	start := must(e.passwordAuth(mfaClient, carol, password))(t)
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &mfaClient,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": carol, "SOFTWARE_TOKEN_MFA_CODE": wrong}})
	wantErr(t, err, "CodeMismatchException", "")
	req, _ := http.NewRequest("POST", e.srv.URL, strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.Frobnicate")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp := must(http.DefaultClient.Do(req))(t)
	resp.Body.Close()

	fams := scrape(t, e)
	counts := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"cognate_signins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "result": "success"}, 1},
		{"cognate_signins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "result": "wrong_password"}, 5},
		{"cognate_signins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "result": "lockout"}, 1},
		{"cognate_signins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "result": "error"}, 1},
		{"cognate_signins_total", map[string]string{"flow": "USER_PASSWORD_AUTH", "result": "mfa_asked"}, 2},
		{"cognate_signins_total", map[string]string{"flow": "MFA_SETUP", "result": "success"}, 1},
		{"cognate_signins_total", map[string]string{"flow": "SOFTWARE_TOKEN_MFA", "result": "mfa_failed"}, 1},
		{"cognate_requests_total", map[string]string{"operation": "SignUp", "outcome": "ok"}, 3},
		{"cognate_requests_total", map[string]string{"operation": "ConfirmSignUp", "outcome": "ok"}, 3},
		{"cognate_requests_total", map[string]string{"operation": "InitiateAuth", "outcome": "ok"}, 3},
		{"cognate_requests_total", map[string]string{"operation": "InitiateAuth", "outcome": "NotAuthorizedException"}, 6},
		{"cognate_requests_total", map[string]string{"operation": "InitiateAuth", "outcome": "UserNotFoundException"}, 1},
		{"cognate_requests_total", map[string]string{"operation": "RespondToAuthChallenge", "outcome": "ok"}, 1},
		{"cognate_requests_total", map[string]string{"operation": "RespondToAuthChallenge", "outcome": "CodeMismatchException"}, 1},
		{"cognate_requests_total", map[string]string{"operation": "CreateUserPool", "outcome": "ok"}, 2},
		{"cognate_requests_total", map[string]string{"operation": "unknown", "outcome": "UnknownOperationException"}, 1},
		{"cognate_codes_sent_total", map[string]string{"channel": "email", "purpose": "signup"}, 3},
	}
	for _, c := range counts {
		if got := counter(fams, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if f := fams["cognate_code_delivery_failures_total"]; f != nil && len(f.GetMetric()) > 0 {
		t.Errorf("delivery failures counted: %v", f)
	}
	if h := sample(fams, "cognate_request_duration_seconds", map[string]string{"operation": "InitiateAuth"}); h == nil || h.GetHistogram().GetSampleCount() != 10 {
		t.Errorf("InitiateAuth latency histogram: %v, want 10 samples", h)
	}
	if h := sample(fams, "cognate_store_duration_seconds", map[string]string{"method": "CreateUser"}); h == nil || h.GetHistogram().GetSampleCount() != 3 {
		t.Errorf("store CreateUser histogram: %v, want 3 samples", h)
	}
	if h := sample(fams, "cognate_sqlite_commit_batch_writes", map[string]string{}); h == nil || h.GetHistogram().GetSampleCount() == 0 ||
		h.GetHistogram().GetSampleSum() < float64(h.GetHistogram().GetSampleCount()) {
		t.Errorf("SQLite batch histogram: %v", h)
	}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				for _, personal := range []string{alice, bob, carol, "nobody", "example.com", poolID, mfaPool, clientID, mfaClient} {
					if strings.Contains(l.GetValue(), personal) {
						t.Errorf("%s has label %s=%q", name, l.GetName(), l.GetValue())
					}
				}
			}
		}
	}
}

// TestMetricsPostgresPool: on PostgreSQL, /metrics reports the pool's use
// (and no SQLite batches); after a few requests some connections were taken.
func TestMetricsPostgresPool(t *testing.T) {
	e := newEnv(t, cognatetest.WithDatabase(pgtest.NewDatabase(t)))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	e.user(poolID, clientID)
	fams := scrape(t, e)
	gauge := func(name string) float64 {
		m := sample(fams, name, map[string]string{})
		if m == nil {
			t.Fatalf("no %s", name)
		}
		return m.GetGauge().GetValue()
	}
	if got := gauge("cognate_postgres_pool_max_connections"); got != 16 {
		t.Errorf("max connections %v, want the default pool size 16", got)
	}
	if got := counter(fams, "cognate_postgres_pool_acquires_total", map[string]string{}); got < 5 {
		t.Errorf("acquires %v, want at least one per store call (5 calls made)", got)
	}
	if gauge("cognate_postgres_pool_idle_connections") < 1 {
		t.Errorf("no idle connection after the requests")
	}
	if fams["cognate_sqlite_commit_batch_writes"] != nil {
		t.Errorf("SQLite batches reported on PostgreSQL")
	}
	if h := sample(fams, "cognate_store_duration_seconds", map[string]string{"method": "CreateUser"}); h == nil || h.GetHistogram().GetSampleCount() != 1 {
		t.Errorf("store CreateUser histogram: %v, want 1 sample", h)
	}
}

// TestMetricsDeliveryFailures: with SMTP as the only delivery, an SMS
// invitation cannot be handed over and is counted as a failure by channel
// and purpose; an email one is counted as sent.
func TestMetricsDeliveryFailures(t *testing.T) {
	e := newEnv(t, cognatetest.WithSMTP("smtp://127.0.0.1:1", "cognate@example.com"))
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sms"),
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("x")}}))(t)
	invite := func(name string, medium types.DeliveryMediumType, attr, value string) {
		t.Helper()
		must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: p.UserPool.Id, Username: aws.String(name),
			UserAttributes: []types.AttributeType{{Name: aws.String(attr), Value: aws.String(value)}}, DesiredDeliveryMediums: []types.DeliveryMediumType{medium}}))(t)
	}
	invite("texted", types.DeliveryMediumTypeSms, "phone_number", "+15555550123")
	invite("mailed", types.DeliveryMediumTypeEmail, "email", "mailed@example.com")
	fams := scrape(t, e)
	if got := counter(fams, "cognate_code_delivery_failures_total", map[string]string{"channel": "sms", "purpose": "invitation"}); got != 1 {
		t.Errorf("SMS invitations failed: %v, want 1", got)
	}
	if got := counter(fams, "cognate_codes_sent_total", map[string]string{"channel": "email", "purpose": "invitation"}); got != 1 {
		t.Errorf("email invitations sent: %v, want 1", got)
	}
	if got := counter(fams, "cognate_codes_sent_total", map[string]string{"channel": "sms", "purpose": "invitation"}); got != 0 {
		t.Errorf("SMS invitations counted as sent: %v", got)
	}
}
