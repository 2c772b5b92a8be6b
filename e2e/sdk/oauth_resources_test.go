package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestResourceServers walks the resource-server operations: create with
// scopes, describe, list in pages, update replacing the scopes, delete, and
// the refusals (a second server of one identifier, a scope named twice, an
// unknown server, a bad identifier).
func TestResourceServers(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	scopes := []types.ResourceServerScopeType{
		{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read orders")},
		{ScopeName: aws.String("write"), ScopeDescription: aws.String("Write orders")},
	}
	created := must(e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID,
		Identifier: aws.String("https://orders.example.com"), Name: aws.String("Orders"), Scopes: scopes}))(t)
	rs := created.ResourceServer
	if *rs.Identifier != "https://orders.example.com" || *rs.Name != "Orders" || *rs.UserPoolId != poolID || len(rs.Scopes) != 2 || *rs.Scopes[1].ScopeName != "write" {
		t.Fatalf("created %+v", rs)
	}
	_, err := e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID,
		Identifier: aws.String("https://orders.example.com"), Name: aws.String("Again")})
	wantErr(t, err, "InvalidParameterException", "already exists")
	_, err = e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("twice"),
		Name: aws.String("Twice"), Scopes: []types.ResourceServerScopeType{scopes[0], scopes[0]}})
	wantErr(t, err, "InvalidParameterException", "more than once")
	_, err = e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String(`quote"d`), Name: aws.String("Bad")})
	wantErr(t, err, "InvalidParameterException", "identifier")
	_, err = e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("slash"), Name: aws.String("Bad"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("a/b"), ScopeDescription: aws.String("x")}}})
	wantErr(t, err, "InvalidParameterException", "scopeName")

	got := must(e.c.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("https://orders.example.com")}))(t)
	if *got.ResourceServer.Scopes[0].ScopeDescription != "Read orders" {
		t.Errorf("described %+v", got.ResourceServer)
	}
	_, err = e.c.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("nobody")})
	wantErr(t, err, "ResourceNotFoundException", "")

	for _, id := range []string{"a-api", "b-api", "c-api"} {
		must(e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String(id), Name: aws.String(id)}))(t)
	}
	var ids []string
	in := &cip.ListResourceServersInput{UserPoolId: &poolID, MaxResults: aws.Int32(3)}
	for pages := 0; ; pages++ {
		out := must(e.c.ListResourceServers(ctx, in))(t)
		for _, r := range out.ResourceServers {
			ids = append(ids, *r.Identifier)
		}
		if out.NextToken == nil {
			if pages != 1 {
				t.Errorf("%d pages, want 2", pages+1)
			}
			break
		}
		in.NextToken = out.NextToken
	}
	if want := []string{"a-api", "b-api", "c-api", "https://orders.example.com"}; len(ids) != 4 || ids[0] != want[0] || ids[3] != want[3] {
		t.Errorf("listed %v, want %v", ids, want)
	}

	up := must(e.c.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("https://orders.example.com"),
		Name: aws.String("Orders v2"), Scopes: scopes[:1]}))(t)
	if *up.ResourceServer.Name != "Orders v2" || len(up.ResourceServer.Scopes) != 1 {
		t.Errorf("updated %+v", up.ResourceServer)
	}
	_, err = e.c.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("nobody"), Name: aws.String("x")})
	wantErr(t, err, "ResourceNotFoundException", "")

	must(e.c.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("a-api")}))(t)
	_, err = e.c.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("a-api")})
	wantErr(t, err, "ResourceNotFoundException", "")
	// The pool's other settings survive (they share its document).
	if _, err := e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}); err != nil {
		t.Fatal(err)
	}
}

// TestUserPoolDomains walks the domain operations: a prefix domain shows in
// DescribeUserPool, is found by DescribeUserPoolDomain from its name alone,
// cannot be taken by another pool or given twice to one, and is gone after
// DeleteUserPoolDomain; a custom domain carries its certificate.
func TestUserPoolDomains(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	other, _ := e.pool(types.UserPoolMfaTypeOff)

	free := must(e.c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("my-app-auth")}))(t)
	if d := free.DomainDescription; d == nil || d.UserPoolId != nil || d.Status != "" {
		t.Errorf("a free domain: %+v, want an empty description", d)
	}
	out := must(e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-app-auth")}))(t)
	if out.ManagedLoginVersion == nil || *out.ManagedLoginVersion != 1 || out.CloudFrontDomain != nil {
		t.Errorf("created: version %v, CloudFrontDomain %v", out.ManagedLoginVersion, out.CloudFrontDomain)
	}
	desc := must(e.c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("my-app-auth")}))(t).DomainDescription
	if aws.ToString(desc.UserPoolId) != poolID || aws.ToString(desc.Domain) != "my-app-auth" || desc.Status != types.DomainStatusTypeActive || desc.CustomDomainConfig != nil {
		t.Errorf("described %+v", desc)
	}
	pool := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool
	if aws.ToString(pool.Domain) != "my-app-auth" || pool.CustomDomain != nil {
		t.Errorf("DescribeUserPool: Domain %v, CustomDomain %v", pool.Domain, pool.CustomDomain)
	}

	_, err := e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &other, Domain: aws.String("my-app-auth")})
	wantErr(t, err, "InvalidParameterException", "Domain already associated with another user pool.")
	_, err = e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("second-prefix")})
	wantErr(t, err, "InvalidParameterException", "already has a domain")
	_, err = e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &other, Domain: aws.String("Upper_Case")})
	wantErr(t, err, "InvalidParameterException", "pattern")
	_, err = e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &other, Domain: aws.String("my-cognito-login")})
	wantErr(t, err, "InvalidParameterException", "reserved word")
	_, err = e.c.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &other, Domain: aws.String("my-app-auth")})
	wantErr(t, err, "InvalidParameterException", "No such domain or user pool exists.")

	// A custom domain beside the prefix domain.
	const cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	custom := must(e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("auth.example.com"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(cert)}}))(t)
	if custom.CloudFrontDomain == nil {
		t.Error("a custom domain without CloudFrontDomain")
	}
	cd := must(e.c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.example.com")}))(t).DomainDescription
	if cd.CustomDomainConfig == nil || aws.ToString(cd.CustomDomainConfig.CertificateArn) != cert {
		t.Errorf("custom domain %+v", cd)
	}
	const cert2 = "arn:aws:acm:us-east-1:123456789012:certificate/def"
	must(e.c.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("auth.example.com"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(cert2)}, ManagedLoginVersion: aws.Int32(2)}))(t)
	cd = must(e.c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.example.com")}))(t).DomainDescription
	if aws.ToString(cd.CustomDomainConfig.CertificateArn) != cert2 || aws.ToInt32(cd.ManagedLoginVersion) != 2 {
		t.Errorf("updated custom domain %+v", cd)
	}
	pool = must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool
	if aws.ToString(pool.CustomDomain) != "auth.example.com" {
		t.Errorf("DescribeUserPool CustomDomain %v", pool.CustomDomain)
	}

	must(e.c.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-app-auth")}))(t)
	if d := must(e.c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("my-app-auth")}))(t).DomainDescription; d.UserPoolId != nil {
		t.Errorf("deleted domain still described: %+v", d)
	}
	// Freed, the name can go to another pool.
	must(e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &other, Domain: aws.String("my-app-auth")}))(t)
	if p := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool; p.Domain != nil {
		t.Errorf("old pool still shows domain %v", *p.Domain)
	}
}
