package sdk_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// png is a file with a PNG signature and n bytes in all.
func png(n int, fill byte) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{fill}, n)...)
	return b[:n]
}

// settingsOf decodes a style's Settings document into plain JSON values.
func settingsOf(t *testing.T, d document.Interface) map[string]any {
	t.Helper()
	if d == nil {
		return nil
	}
	var v map[string]any
	if err := d.UnmarshalSmithyDocument(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestManagedLoginBranding: a client's style is created with settings and
// images, described by its id and by the client, updated by merging
// (settings member by member, images by category and colour mode), put back
// to Cognito's defaults and deleted; one style per client; every refusal,
// the pool-wide bound on images, an unknown pool, client and style; a
// deleted client's style goes with it.
func TestManagedLoginBranding(t *testing.T) {
	e := newEnv(t)
	poolID, clientA := e.pool(types.UserPoolMfaTypeOff)
	clientB := e.client(poolID, nil)
	logo, favicon := png(200, 'a'), []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)
	settings := map[string]any{"components": map[string]any{"form": map[string]any{"borderRadius": "8px"}},
		"categories": map[string]any{"global": map[string]any{"colorSchemeMode": "LIGHT"}}}
	created := must(e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientA,
		Settings: document.NewLazyDocument(settings),
		Assets: []types.AssetType{
			{Category: types.AssetCategoryTypePageHeaderLogo, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: logo},
			{Category: types.AssetCategoryTypeFaviconSvg, ColorMode: types.ColorSchemeModeTypeDynamic, Extension: types.AssetExtensionTypeSvg, Bytes: favicon},
		}}))(t).ManagedLoginBranding
	id := aws.ToString(created.ManagedLoginBrandingId)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) || aws.ToString(created.UserPoolId) != poolID ||
		created.UseCognitoProvidedValues || len(created.Assets) != 2 || !within(created.CreationDate, e.srv.Clock.Now()) {
		t.Fatalf("created style: %+v", created)
	}
	if got := settingsOf(t, created.Settings); jsonText(got) != jsonText(settings) {
		t.Fatalf("created settings: %s", jsonText(got))
	}
	byID := must(e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id}))(t).ManagedLoginBranding
	byClient := must(e.c.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: &clientA,
		ReturnMergedResources: true}))(t).ManagedLoginBranding
	for _, d := range []*types.ManagedLoginBrandingType{byID, byClient} {
		if aws.ToString(d.ManagedLoginBrandingId) != id || jsonText(settingsOf(t, d.Settings)) != jsonText(settings) || len(d.Assets) != 2 ||
			!bytes.Equal(d.Assets[0].Bytes, logo) || d.Assets[0].Category != types.AssetCategoryTypePageHeaderLogo || !bytes.Equal(d.Assets[1].Bytes, favicon) {
			t.Fatalf("described style: %+v", d)
		}
	}
	_, err := e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientA, UseCognitoProvidedValues: true})
	wantErr(t, err, "ManagedLoginBrandingExistsException", clientA)

	// Cognito's defaults for another client.
	def := must(e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientB, UseCognitoProvidedValues: true}))(t).ManagedLoginBranding
	if !def.UseCognitoProvidedValues || def.Settings != nil || len(def.Assets) != 0 || aws.ToString(def.ManagedLoginBrandingId) == id {
		t.Fatalf("default style: %+v", def)
	}

	// An update merges.
	e.srv.Clock.Advance(time.Minute)
	newLogo := png(300, 'b')
	up := must(e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id,
		Settings: document.NewLazyDocument(map[string]any{"components": map[string]any{"form": map[string]any{"logo": map[string]any{"location": "CENTER"}}}}),
		Assets:   []types.AssetType{{Category: types.AssetCategoryTypePageHeaderLogo, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: newLogo}}}))(t).ManagedLoginBranding
	want := `{"categories":{"global":{"colorSchemeMode":"LIGHT"}},"components":{"form":{"borderRadius":"8px","logo":{"location":"CENTER"}}}}`
	if got := jsonText(settingsOf(t, up.Settings)); got != want {
		t.Fatalf("merged settings: %s, want %s", got, want)
	}
	if len(up.Assets) != 2 || !bytes.Equal(up.Assets[0].Bytes, newLogo) || !bytes.Equal(up.Assets[1].Bytes, favicon) ||
		!up.CreationDate.Equal(*created.CreationDate) || !within(up.LastModifiedDate, e.srv.Clock.Now()) {
		t.Fatalf("updated style: %+v", up)
	}
	// Back to the defaults.
	up = must(e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id, UseCognitoProvidedValues: true}))(t).ManagedLoginBranding
	if !up.UseCognitoProvidedValues || up.Settings != nil || len(up.Assets) != 0 {
		t.Fatalf("style put back to the defaults: %+v", up)
	}

	// Refusals, on a client without a style.
	clientC := e.client(poolID, nil)
	headerPNG := func(b []byte) types.AssetType {
		return types.AssetType{Category: types.AssetCategoryTypePageHeaderLogo, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: b}
	}
	many := make([]types.AssetType, 41)
	for i := range many {
		many[i] = headerPNG(logo)
	}
	for _, c := range []struct {
		what string
		in   cip.CreateManagedLoginBrandingInput
		msg  string
	}{
		{"defaults with settings", cip.CreateManagedLoginBrandingInput{UseCognitoProvidedValues: true, Settings: document.NewLazyDocument(settings)}, "UseCognitoProvidedValues"},
		{"defaults with assets", cip.CreateManagedLoginBrandingInput{UseCognitoProvidedValues: true, Assets: []types.AssetType{headerPNG(logo)}}, "UseCognitoProvidedValues"},
		{"settings not an object", cip.CreateManagedLoginBrandingInput{Settings: document.NewLazyDocument([]any{1, 2})}, "JSON object"},
		{"a PNG that is not one", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{headerPNG([]byte("<html>not an image</html>"))}}, "is not a PNG file"},
		{"an SVG that is not one", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{{Category: types.AssetCategoryTypeFaviconSvg,
			ColorMode: types.ColorSchemeModeTypeDynamic, Extension: types.AssetExtensionTypeSvg, Bytes: logo}}}, "is not a SVG file"},
		{"an asset without bytes", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo,
			ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, ResourceId: aws.String("logo-1")}}}, "has no Bytes"},
		{"an asset twice", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{headerPNG(logo), headerPNG(newLogo)}}, "more than once"},
		{"an unknown category", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{{Category: "PAGE_SIDEBAR", ColorMode: types.ColorSchemeModeTypeLight,
			Extension: types.AssetExtensionTypePng, Bytes: logo}}}, "enum value set"},
		{"an unknown extension", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight,
			Extension: "GIF", Bytes: logo}}}, "enum value set"},
		{"a bad resource id", cip.CreateManagedLoginBrandingInput{Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight,
			Extension: types.AssetExtensionTypePng, Bytes: logo, ResourceId: aws.String("no/slashes")}}}, "regular expression pattern"},
		{"41 assets", cip.CreateManagedLoginBrandingInput{Assets: many}, "Member must have length less than or equal to 40"},
	} {
		in := c.in
		in.UserPoolId, in.ClientId = &poolID, &clientC
		_, err := e.c.CreateManagedLoginBranding(ctx, &in)
		wantErr(t, err, "InvalidParameterException", c.msg)
	}
	_, err = e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id,
		UseCognitoProvidedValues: true, Settings: document.NewLazyDocument(settings)})
	wantErr(t, err, "InvalidParameterException", "UseCognitoProvidedValues")
	_, err = e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, UseCognitoProvidedValues: true})
	wantErr(t, err, "InvalidParameterException", "ManagedLoginBrandingId")
	_, err = e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{ManagedLoginBrandingId: &id, UseCognitoProvidedValues: true})
	wantErr(t, err, "InvalidParameterException", "UserPoolId")

	// The pool's images are bounded as a whole (4 MiB): sent 750 kB at a
	// time, as a request carries 1 MiB at most, the sixth is refused.
	big := must(e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientC,
		Assets: []types.AssetType{headerPNG(png(750_000, 'c'))}}))(t).ManagedLoginBranding
	categories := []types.AssetCategoryType{types.AssetCategoryTypePageBackground, types.AssetCategoryTypeFormBackground, types.AssetCategoryTypePageFooterBackground,
		types.AssetCategoryTypePageHeaderBackground}
	modes := []types.ColorSchemeModeType{types.ColorSchemeModeTypeLight, types.ColorSchemeModeTypeDark, types.ColorSchemeModeTypeDynamic}
	for i := 1; i < 6; i++ {
		_, err = e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: big.ManagedLoginBrandingId,
			Assets: []types.AssetType{{Category: categories[i/3], ColorMode: modes[i%3], Extension: types.AssetExtensionTypePng, Bytes: png(750_000, byte(i))}}})
		if i < 5 && err != nil {
			t.Fatalf("image %d: %v", i+1, err)
		}
	}
	wantErr(t, err, "InvalidParameterException", "by Cognate") // Update declares no LimitExceededException
	if d := must(e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: big.ManagedLoginBrandingId}))(t).ManagedLoginBranding; len(d.Assets) != 5 {
		t.Fatalf("a refused update changed the style: %d assets", len(d.Assets))
	}
	clientD := e.client(poolID, nil)
	_, err = e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientD,
		Assets: []types.AssetType{headerPNG(png(750_000, 'e'))}})
	wantErr(t, err, "LimitExceededException", "by Cognate")
	_, err = e.c.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: &clientD})
	wantErr(t, err, "ResourceNotFoundException", clientD)

	// Unknown pool, client and style.
	const unknownID = "00000000-0000-4000-8000-000000000000"
	_, err = e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: aws.String("nosuchclient1234567890"), UseCognitoProvidedValues: true})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: aws.String("us-east-1_nothere1"), ClientId: &clientC, UseCognitoProvidedValues: true})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: aws.String(unknownID)})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: aws.String("not-a-uuid")})
	wantErr(t, err, "InvalidParameterException", "regular expression pattern")
	_, err = e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: aws.String("us-east-1_nothere1"), ManagedLoginBrandingId: &id})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: aws.String(unknownID), UseCognitoProvidedValues: true})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: aws.String(unknownID)})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: aws.String("nosuchclient1234567890")})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Deleted: gone by id and by client; a deleted client's style goes too.
	must(e.c.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id}))(t)
	_, err = e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &id})
	wantErr(t, err, "ResourceNotFoundException", id)
	_, err = e.c.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: &clientA})
	wantErr(t, err, "ResourceNotFoundException", clientA)
	must(e.c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientB}))(t)
	_, err = e.c.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: def.ManagedLoginBrandingId})
	wantErr(t, err, "ResourceNotFoundException", "")
	// A client without a style can have one again.
	must(e.c.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientA, UseCognitoProvidedValues: true}))(t)
}
