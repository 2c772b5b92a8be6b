package sdk_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestEndpointFromEnvironment: an application that builds its client with
// config.LoadDefaultConfig and no endpoint in code reaches Cognate through
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER alone, which wins over the
// global AWS_ENDPOINT_URL; with only the global one set, that one is used.
func TestEndpointFromEnvironment(t *testing.T) {
	e := newEnv(t)
	// Nothing from the machine's own AWS set-up may leak in.
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_REGION": e.srv.Region, "AWS_ACCESS_KEY_ID": e.srv.AccessKeyID, "AWS_SECRET_ACCESS_KEY": e.srv.SecretAccessKey,
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": e.srv.URL,
		// A global endpoint where nothing listens: the service's own must win.
		"AWS_ENDPOINT_URL": "http://127.0.0.1:9",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	client := func() *cip.Client {
		t.Helper()
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return cip.NewFromConfig(cfg, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	}

	c := client()
	created := must(c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("from-env")}))(t)
	// The pool is Cognate's: the test's own client sees it.
	got := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: created.UserPool.Id}))(t)
	if *got.UserPool.Name != "from-env" {
		t.Fatalf("pool %+v", got.UserPool)
	}
	// An unsigned operation takes the same way.
	pc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: created.UserPool.Id, ClientName: aws.String("app")}))(t)
	must(c.SignUp(ctx, &cip.SignUpInput{ClientId: pc.UserPoolClient.ClientId, Username: aws.String("env-user"), Password: aws.String(password)}))(t)

	// Only the global variable: it is used.
	os.Unsetenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
	t.Setenv("AWS_ENDPOINT_URL", e.srv.URL)
	pools := must(client().ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}))(t)
	found := false
	for _, p := range pools.UserPools {
		found = found || *p.Id == *created.UserPool.Id
	}
	if !found {
		t.Fatal("ListUserPools through AWS_ENDPOINT_URL does not list the pool")
	}
}
