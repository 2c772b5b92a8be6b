package sdk_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The management operations provisioning tools call besides pools and
// clients (Terraform's hashicorp/aws provider among them).

// TestAddCustomAttributes: an attribute added to an existing pool shows in
// its schema and can be given to users; a name already there, a required
// custom attribute and an unknown pool are refused.
func TestAddCustomAttributes(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	must(e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("32")}},
		{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber},
	}}))(t)
	d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t)
	found := map[string]types.SchemaAttributeType{}
	for _, sa := range d.UserPool.SchemaAttributes {
		found[*sa.Name] = sa
	}
	team, ok := found["custom:team"]
	if !ok || team.StringAttributeConstraints == nil || aws.ToString(team.StringAttributeConstraints.MaxLength) != "32" || !aws.ToBool(team.Mutable) {
		t.Fatalf("custom:team in the schema: %+v (present %v)", team, ok)
	}
	if lvl, ok := found["custom:level"]; !ok || lvl.AttributeDataType != types.AttributeDataTypeNumber {
		t.Fatalf("custom:level in the schema: %+v (present %v)", lvl, ok)
	}
	// A user can now carry it.
	name := e.user(poolID, clientID)
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("custom:team"), Value: aws.String("blue")}}}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	got := ""
	for _, a := range u.UserAttributes {
		if *a.Name == "custom:team" {
			got = aws.ToString(a.Value)
		}
	}
	if got != "blue" {
		t.Fatalf("custom:team = %q after the update", got)
	}

	_, err := e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString}}})
	wantErr(t, err, "InvalidParameterException", "custom:team")
	_, err = e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("must"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}}})
	wantErr(t, err, "InvalidParameterException", "Required custom attributes")
	_, err = e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: aws.String("us-east-1_nothere1"), CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeString}}})
	wantErr(t, err, "ResourceNotFoundException", "")
	// 50 custom attributes at most.
	var many []types.SchemaAttributeType
	for i := 0; i < 25; i++ {
		many = append(many, types.SchemaAttributeType{Name: aws.String(string(rune('a'+i)) + "x"), AttributeDataType: types.AttributeDataTypeString})
	}
	must(e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID, CustomAttributes: many}))(t)
	for i := range many {
		many[i].Name = aws.String(string(rune('a'+i)) + "y")
	}
	_, err = e.c.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID, CustomAttributes: many})
	wantErr(t, err, "InvalidParameterException", "50")
}

// TestPoolTags: TagResource, UntagResource and ListTagsForResource work on
// the pool's ARN and agree with UserPoolTags; UpdateUserPool keeps tags it
// is not given.
func TestPoolTags(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("tagged"), UserPoolTags: map[string]string{"env": "dev"}}))(t)
	arn := p.UserPool.Arn
	list := func() map[string]string {
		return must(e.c.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: arn}))(t).Tags
	}
	if got := list(); len(got) != 1 || got["env"] != "dev" {
		t.Fatalf("tags after create: %v", got)
	}
	must(e.c.TagResource(ctx, &cip.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod", "team": "id"}}))(t)
	if got := list(); len(got) != 2 || got["env"] != "prod" || got["team"] != "id" {
		t.Fatalf("tags after TagResource: %v", got)
	}
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: p.UserPool.Id, EmailVerificationSubject: aws.String("Code")}))(t)
	d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: p.UserPool.Id}))(t)
	if len(d.UserPool.UserPoolTags) != 2 || d.UserPool.UserPoolTags["team"] != "id" {
		t.Fatalf("UserPoolTags after an UpdateUserPool without tags: %v", d.UserPool.UserPoolTags)
	}
	must(e.c.UntagResource(ctx, &cip.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}}))(t)
	if got := list(); len(got) != 1 || got["team"] != "id" {
		t.Fatalf("tags after UntagResource: %v", got)
	}
	_, err := e.c.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nothere1"), Tags: map[string]string{"a": "b"}})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:s3:::bucket/whatever/thing")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.TagResource(ctx, &cip.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"aws:owner": "x"}})
	wantErr(t, err, "InvalidParameterException", "aws:")
	many := map[string]string{}
	for i := 0; i < 50; i++ {
		many[string(rune('A'+i%26))+string(rune('a'+i/26))] = "v"
	}
	_, err = e.c.TagResource(ctx, &cip.TagResourceInput{ResourceArn: arn, Tags: many})
	wantErr(t, err, "InvalidParameterException", "50")
}

// TestSigningCertificate: a parseable X.509 certificate for the key in the
// pool's JWKS, the same on every call.
func TestSigningCertificate(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	out := must(e.c.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &poolID}))(t)
	der, err := base64.StdEncoding.DecodeString(aws.ToString(out.Certificate))
	if err != nil {
		t.Fatalf("certificate not base64: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("certificate does not parse: %v", err)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Fatalf("self-signature does not verify: %v", err)
	}
	resp, err := http.Get(e.srv.URL + "/" + poolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct{ N string } `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil {
		t.Fatal(err)
	}
	n := base64.RawURLEncoding.EncodeToString(cert.PublicKey.(*rsa.PublicKey).N.Bytes())
	if len(jwks.Keys) == 0 || jwks.Keys[0].N != n {
		t.Fatalf("certificate key is not the pool's signing key")
	}
	again := must(e.c.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &poolID}))(t)
	if aws.ToString(again.Certificate) != aws.ToString(out.Certificate) {
		t.Fatalf("certificate changed between calls")
	}
	_, err = e.c.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: aws.String("us-east-1_nothere1")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// png1x1 is the smallest PNG image.
var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// TestUICustomization: pool-wide and per-client CSS and logo are stored and
// returned; a client without its own gets the pool's; an empty call removes
// one; a non-image logo and an unknown client are refused.
func TestUICustomization(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	empty := must(e.c.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &poolID}))(t).UICustomization
	if empty == nil || aws.ToString(empty.UserPoolId) != poolID || empty.CSS != nil || empty.CreationDate != nil {
		t.Fatalf("customization before any: %+v", empty)
	}
	set := must(e.c.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, CSS: aws.String(".banner-customizable { color: red; }"), ImageFile: png1x1}))(t).UICustomization
	if aws.ToString(set.ClientId) != "ALL" || aws.ToString(set.CSS) != ".banner-customizable { color: red; }" || set.CreationDate == nil || aws.ToString(set.CSSVersion) == "" {
		t.Fatalf("pool-wide customization: %+v", set)
	}
	// The client has none of its own: it gets the pool's.
	got := must(e.c.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID}))(t).UICustomization
	if aws.ToString(got.CSS) != ".banner-customizable { color: red; }" || aws.ToString(got.ClientId) != "ALL" {
		t.Fatalf("client falls back to the pool's: %+v", got)
	}
	must(e.c.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID, CSS: aws.String(".label-customizable { font-weight: 700; }")}))(t)
	got = must(e.c.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID}))(t).UICustomization
	if aws.ToString(got.CSS) != ".label-customizable { font-weight: 700; }" || aws.ToString(got.ClientId) != clientID {
		t.Fatalf("client's own customization: %+v", got)
	}
	// Removing the client's brings the pool's back.
	must(e.c.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID}))(t)
	got = must(e.c.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID}))(t).UICustomization
	if aws.ToString(got.ClientId) != "ALL" {
		t.Fatalf("after removing the client's: %+v", got)
	}
	_, err := e.c.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, ImageFile: []byte("GIF89a not allowed")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &poolID, ClientId: aws.String("nosuchclient1")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// TestRiskConfiguration: stored pool-wide and per client once threat
// protection is on; refused before; removed by a call that sets nothing.
func TestRiskConfiguration(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	block := &types.CompromisedCredentialsRiskConfigurationType{Actions: &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock}}
	_, err := e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID, CompromisedCredentialsRiskConfiguration: block})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "")
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}}))(t)

	set := must(e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID, CompromisedCredentialsRiskConfiguration: block,
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"192.0.2.0/24"}}}))(t).RiskConfiguration
	if set.CompromisedCredentialsRiskConfiguration == nil || set.CompromisedCredentialsRiskConfiguration.Actions.EventAction != types.CompromisedCredentialsEventActionTypeBlock ||
		len(set.RiskExceptionConfiguration.BlockedIPRangeList) != 1 || set.LastModifiedDate == nil {
		t.Fatalf("pool-wide risk configuration: %+v", set)
	}
	must(e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID, ClientId: &clientID,
		AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
			HighAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeMfaRequired, Notify: false}}}}))(t)
	got := must(e.c.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &poolID, ClientId: &clientID}))(t).RiskConfiguration
	if aws.ToString(got.ClientId) != clientID || got.AccountTakeoverRiskConfiguration == nil ||
		got.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction != types.AccountTakeoverEventActionTypeMfaRequired {
		t.Fatalf("client risk configuration: %+v", got)
	}
	pool := must(e.c.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &poolID}))(t).RiskConfiguration
	if pool.ClientId != nil || pool.CompromisedCredentialsRiskConfiguration == nil || pool.AccountTakeoverRiskConfiguration != nil {
		t.Fatalf("pool-wide risk configuration: %+v", pool)
	}
	// Removing the client's: it falls back to the pool's.
	must(e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID, ClientId: &clientID}))(t)
	got = must(e.c.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &poolID, ClientId: &clientID}))(t).RiskConfiguration
	if got.ClientId != nil || got.CompromisedCredentialsRiskConfiguration == nil {
		t.Fatalf("after removing the client's: %+v", got)
	}
	_, err = e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID,
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"not-an-address"}}})
	wantErr(t, err, "InvalidParameterException", "not-an-address")
	_, err = e.c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &poolID,
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{Actions: &types.CompromisedCredentialsActionsType{EventAction: "MAYBE"}}})
	wantErr(t, err, "InvalidParameterException", "enum")
}

// TestUserSettings: the legacy SMS MFA options; clearing them succeeds,
// setting one needs a phone number (TestLegacySMSMFAOptions turns it on).
func TestUserSettings(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tokens := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	must(e.c.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tokens.AccessToken, MFAOptions: []types.MFAOptionType{}}))(t)
	must(e.c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &poolID, Username: &name, MFAOptions: []types.MFAOptionType{}}))(t)
	sms := []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}
	_, err := e.c.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tokens.AccessToken, MFAOptions: sms})
	wantErr(t, err, "InvalidParameterException", "SMS_MFA")
	_, err = e.c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &poolID, Username: aws.String("nobody"), MFAOptions: []types.MFAOptionType{}})
	wantErr(t, err, "UserNotFoundException", "")
	_, err = e.c.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: aws.String("not.a.token"), MFAOptions: []types.MFAOptionType{}})
	wantErr(t, err, "NotAuthorizedException", "")
}
