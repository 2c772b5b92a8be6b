// Package terraform_test provisions Cognito resources with Terraform and the
// hashicorp/aws provider against a real `cognate serve`: apply, a second plan
// with no changes, an update in place, import of everything created, and
// destroy. It needs the terraform binary and the provider in a local plugin
// mirror (never downloaded): outside CI a missing one skips loudly, under
// CI=true it fails.
package terraform_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

const providerVersion = "5.100.0"

const (
	accessKey = "AKIACOGNATETERRAFORM"
	secretKey = "terraform/Secret/Key/For/Cognate/Tests0"
)

// missing skips loudly, or fails under CI=true.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("Terraform suite cannot run in CI: %s", msg)
	}
	fmt.Fprintf(os.Stderr, "\n*** Terraform suite SKIPPED: %s ***\n\n", msg)
	t.Skip(msg)
}

// pluginDir finds a local provider mirror holding hashicorp/aws at
// providerVersion: $COGNATE_TF_PLUGIN_DIR, Terraform's implied local mirror
// directories, or a folder directly under /opt.
func pluginDir() string {
	has := func(dir string) bool {
		fi, err := os.Stat(filepath.Join(dir, "registry.terraform.io", "hashicorp", "aws", providerVersion))
		return err == nil && fi.IsDir()
	}
	var cands []string
	if d := os.Getenv("COGNATE_TF_PLUGIN_DIR"); d != "" {
		if has(d) {
			return d
		}
		return ""
	}
	if home, err := os.UserHomeDir(); err == nil {
		cands = append(cands, filepath.Join(home, ".terraform.d", "plugins"), filepath.Join(home, ".local", "share", "terraform", "plugins"))
	}
	cands = append(cands, "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins")
	if entries, err := os.ReadDir("/opt"); err == nil {
		for _, e := range entries {
			cands = append(cands, filepath.Join("/opt", e.Name()))
		}
	}
	for _, c := range cands {
		if has(c) {
			return c
		}
	}
	return ""
}

// tf runs terraform commands in one working directory.
type tf struct {
	t    *testing.T
	bin  string
	dir  string
	vars []string
}

// run runs terraform with args and returns its exit code and output.
func (w *tf) run(args ...string) (int, string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(),
		"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		"TF_CLI_CONFIG_FILE="+filepath.Join(w.dir, "cli.tfrc"),
		// The provider must use only what the configuration gives it.
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_ENDPOINT_URL=", "AWS_EC2_METADATA_DISABLED=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if ctx.Err() != nil {
			w.t.Fatalf("terraform %s: timed out\n%s", strings.Join(args, " "), out.String())
		}
	}
	return code, out.String()
}

// must runs a command that must succeed and returns its output.
func (w *tf) must(args ...string) string {
	w.t.Helper()
	code, out := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// plan runs a plan and returns its exit code (0 no changes, 2 changes).
func (w *tf) plan(extra ...string) (int, string) {
	args := append([]string{"plan", "-detailed-exitcode", "-no-color", "-input=false"}, w.vars...)
	return w.run(append(args, extra...)...)
}

func (w *tf) apply(extra ...string) string {
	w.t.Helper()
	args := append([]string{"apply", "-auto-approve", "-no-color", "-input=false"}, w.vars...)
	return w.must(append(args, extra...)...)
}

var applied = regexp.MustCompile(`Apply complete! Resources: (?:(\d+) imported, )?(\d+) added, (\d+) changed, (\d+) destroyed`)

// counts parses the closing line of an apply.
func counts(t *testing.T, out string) (imported, added, changed, destroyed int) {
	t.Helper()
	m := applied.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary line in apply output:\n%s", out)
	}
	fmt.Sscan(m[1]+" 0", &imported)
	fmt.Sscan(m[2], &added)
	fmt.Sscan(m[3], &changed)
	fmt.Sscan(m[4], &destroyed)
	return
}

// state is `terraform show -json`, managed resources by address.
type resource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

func (w *tf) state() map[string]resource {
	w.t.Helper()
	out := w.must("show", "-json", "-no-color")
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []resource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		w.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	m := map[string]resource{}
	for _, r := range doc.Values.RootModule.Resources {
		m[r.Address] = r
	}
	return m
}

func (w *tf) outputs() map[string]any {
	w.t.Helper()
	out := w.must("output", "-json", "-no-color")
	var doc map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		w.t.Fatalf("terraform output -json: %v\n%s", err, out)
	}
	m := map[string]any{}
	for k, v := range doc {
		m[k] = v.Value
	}
	return m
}

// serve builds and starts `cognate serve` on a loopback port and returns its URL.
func serve(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "cognate")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/cognate")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "COGNATE_ACCESS_KEY_ID="+accessKey, "COGNATE_SECRET_ACCESS_KEY="+secretKey)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu = make(chan []string, 1)
	logMu <- nil
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		re := regexp.MustCompile(`cognate listening.* addr=(\S+)`)
		for sc.Scan() {
			line := sc.Text()
			l := <-logMu
			if len(l) > 200 {
				l = l[1:]
			}
			logMu <- append(l, line)
			if m := re.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		pw.Close()
		if t.Failed() {
			l := <-logMu
			t.Logf("server log (last %d lines):\n%s", len(l), strings.Join(l, "\n"))
			logMu <- l
		}
	})
	select {
	case a := <-addr:
		url := "http://" + a
		if resp, err := http.Get(url + "/health"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /health: %v", err)
		} else {
			resp.Body.Close()
		}
		return url
	case <-time.After(30 * time.Second):
		t.Fatal("cognate serve did not start listening within 30 s")
	}
	return ""
}

// TestTerraform walks every resource and data source of main.tf through
// apply, a plan with no changes, an update in place, import and destroy.
func TestTerraform(t *testing.T) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		missing(t, "terraform is not on PATH (install Terraform 1.5 or later)")
	}
	plugins := pluginDir()
	if plugins == "" {
		missing(t, "no local plugin mirror holds registry.terraform.io/hashicorp/aws/%s (set COGNATE_TF_PLUGIN_DIR)", providerVersion)
	}
	url := serve(t)

	dir := t.TempDir()
	src, err := os.ReadFile("testdata/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty CLI configuration: no credentials helpers, no network mirrors.
	if err := os.WriteFile(filepath.Join(dir, "cli.tfrc"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w := &tf{t: t, bin: bin, dir: dir, vars: []string{
		"-var", "endpoint=" + url, "-var", "access_key=" + accessKey, "-var", "secret_key=" + secretKey}}
	w.must("init", "-no-color", "-input=false", "-plugin-dir="+plugins)
	t.Run("covers every user-pool resource of the provider", func(t *testing.T) {
		w.t = t
		covered(t, w.must("providers", "schema", "-json"), string(src))
	})
	w.t = t

	// Every managed resource type the configuration must create.
	wantTypes := []string{
		"aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_cognito_managed_user_pool_client",
		"aws_cognito_user_pool_domain", "aws_cognito_resource_server", "aws_cognito_user",
		"aws_cognito_user_group", "aws_cognito_user_in_group", "aws_cognito_user_pool_ui_customization",
		"aws_cognito_risk_configuration",
	}

	var created map[string]resource
	ok := t.Run("apply", func(t *testing.T) {
		w.t = t
		_, added, _, _ := counts(t, w.apply("-var", "stage=1"))
		created = w.state()
		managed := 0
		for _, r := range created {
			if r.Mode == "managed" {
				managed++
			}
		}
		if added != managed {
			t.Errorf("apply added %d resources, state holds %d", added, managed)
		}
		for _, typ := range wantTypes {
			found := false
			for _, r := range created {
				found = found || (r.Mode == "managed" && r.Type == typ)
			}
			if !found {
				t.Errorf("no %s in the state", typ)
			}
		}
		out := w.outputs()
		poolID, _ := out["pool_id"].(string)
		if ids, _ := out["pools_by_name"].([]any); len(ids) != 1 || ids[0] != poolID {
			t.Errorf("data aws_cognito_user_pools ids = %v, want [%s]", out["pools_by_name"], poolID)
		}
		// The data source builds ARNs itself from the provider's account id,
		// which skip_requesting_account_id leaves empty.
		if arns, _ := out["pools_by_name_arns"].([]any); len(arns) != 1 || !strings.HasSuffix(fmt.Sprint(arns[0]), ":userpool/"+poolID) {
			t.Errorf("data aws_cognito_user_pools arns = %v, want [...:userpool/%s]", out["pools_by_name_arns"], poolID)
		}
		if out["pool_data_arn"] != out["pool_arn"] || !strings.HasPrefix(fmt.Sprint(out["pool_arn"]), "arn:aws:cognito-idp:us-east-1:") {
			t.Errorf("data aws_cognito_user_pool arn %v, resource arn %v", out["pool_data_arn"], out["pool_arn"])
		}
		checkCertificate(t, url, poolID, fmt.Sprint(out["signing_certificate"]))
		names := fmt.Sprint(out["client_names"])
		if names != "[AmazonOpenSearchService-made tf-public-one tf-web]" {
			t.Errorf("data aws_cognito_user_pool_clients names = %s", names)
		}
		if out["public_client_name"] != "tf-public-one" || out["group_description"] != "group one" || fmt.Sprint(out["group_names"]) != "[admins]" {
			t.Errorf("data sources: client %v, group %v, groups %v", out["public_client_name"], out["group_description"], out["group_names"])
		}
	})
	w.t = t
	if !ok {
		w.destroy()
		return
	}
	t.Run("plan after apply has no changes", func(t *testing.T) {
		w.t = t
		if code, out := w.plan("-var", "stage=1"); code != 0 {
			t.Errorf("plan -detailed-exitcode = %d, want 0\n%s", code, lines(out, "#", "~", "+", "-"))
		}
	})
	t.Run("update in place", func(t *testing.T) {
		w.t = t
		out := w.apply("-var", "stage=2")
		_, added, changed, destroyed := counts(t, out)
		if added != 0 || destroyed != 0 || changed == 0 {
			t.Errorf("stage 2: %d added, %d changed, %d destroyed; want only changes; replaced:\n%s", added, changed, destroyed, lines(out, "must be replaced", "forces replacement"))
		}
		after := w.state()
		for addr, r := range created {
			if r.Mode != "managed" {
				continue
			}
			if after[addr].Values["id"] != r.Values["id"] {
				t.Errorf("%s: id %v became %v", addr, r.Values["id"], after[addr].Values["id"])
			}
		}
		outs := w.outputs()
		if outs["public_client_name"] != "tf-public-two" || outs["group_description"] != "group two" {
			t.Errorf("data sources after update: client %v, group %v", outs["public_client_name"], outs["group_description"])
		}
		if code, out := w.plan("-var", "stage=2"); code != 0 {
			t.Errorf("plan after update = %d, want 0\n%s", code, lines(out, "#", "~", "+", "-"))
		}
		created = after
	})
	t.Run("import", func(t *testing.T) {
		w.t = t
		// Forget every managed resource, then import each by the id the
		// provider documents, with import blocks (terraform import's
		// successor) and once with the terraform import command.
		var addrs []string
		for addr, r := range created {
			// The provider has no importer for user_in_group.
			if r.Mode == "managed" && r.Type != "aws_cognito_user_in_group" {
				addrs = append(addrs, addr)
			}
		}
		sort.Strings(addrs)
		w.must(append([]string{"state", "rm", "-no-color"}, addrs...)...)
		var blocks strings.Builder
		for _, addr := range addrs {
			if addr == "aws_cognito_user_pool.pool" {
				continue
			}
			fmt.Fprintf(&blocks, "import {\n  to = %s\n  id = %q\n}\n", addr, importID(created[addr]))
		}
		if err := os.WriteFile(filepath.Join(dir, "imports.tf"), []byte(blocks.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		w.must(append(append([]string{"import", "-no-color", "-input=false"}, w.vars...), "-var", "stage=2",
			"aws_cognito_user_pool.pool", importID(created["aws_cognito_user_pool.pool"]))...)
		imported, added, changed, destroyed := counts(t, w.apply("-var", "stage=2"))
		if imported != len(addrs)-1 || added != 0 || destroyed != 0 {
			t.Errorf("import apply: %d imported (want %d), %d added, %d changed, %d destroyed", imported, len(addrs)-1, added, changed, destroyed)
		}
		if err := os.Remove(filepath.Join(dir, "imports.tf")); err != nil {
			t.Fatal(err)
		}
		if code, out := w.plan("-var", "stage=2"); code != 0 {
			t.Errorf("plan after import = %d, want 0\n%s", code, lines(out, "#", "~", "+", "-"))
		}
		after := w.state()
		for _, addr := range addrs {
			if after[addr].Values["id"] != created[addr].Values["id"] {
				t.Errorf("%s: imported id %v, created %v", addr, after[addr].Values["id"], created[addr].Values["id"])
			}
		}
	})
	w.t = t
	w.destroy()
}

// notCovered are the provider's aws_cognito_* types main.tf leaves out,
// with the reason.
var notCovered = map[string]string{}

// covered checks that main.tf uses every aws_cognito_* resource and data
// source of the provider's schema, bar identity pools (another service)
// and notCovered.
func covered(t *testing.T, schemaJSON, mainTF string) {
	t.Helper()
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas   map[string]json.RawMessage `json:"resource_schemas"`
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal([]byte(schemaJSON), &doc); err != nil {
		t.Fatalf("providers schema -json: %v", err)
	}
	n := 0
	for _, ps := range doc.ProviderSchemas {
		for kind, m := range map[string]map[string]json.RawMessage{"resource": ps.ResourceSchemas, "data": ps.DataSourceSchemas} {
			for typ := range m {
				if !strings.HasPrefix(typ, "aws_cognito_") || strings.HasPrefix(typ, "aws_cognito_identity_pool") || notCovered[typ] != "" {
					continue
				}
				n++
				if !strings.Contains(mainTF, kind+` "`+typ+`"`) {
					t.Errorf("main.tf has no %s %s", kind, typ)
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("the provider's schema lists no aws_cognito_* types")
	}
}

// checkCertificate: the signing certificate data source gives an X.509
// certificate for the key in the pool's JWKS.
func checkCertificate(t *testing.T, url, poolID, b64 string) {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Errorf("signing certificate is not base64: %v (%q)", err, b64)
		return
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Errorf("signing certificate does not parse: %v", err)
		return
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		t.Errorf("signing certificate key is %T, want RSA", cert.PublicKey)
		return
	}
	resp, err := http.Get(url + "/" + poolID + "/.well-known/jwks.json")
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
	n := base64.RawURLEncoding.EncodeToString(pub.N.Bytes())
	for _, k := range jwks.Keys {
		if k.N == n {
			return
		}
	}
	t.Errorf("the signing certificate's key is not in the pool's JWKS")
}

// lines returns the lines of out that contain any of subs.
func lines(out string, subs ...string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				b.WriteString(l + "\n")
				break
			}
		}
	}
	return b.String()
}

// importID is the id the provider's importer takes for a resource.
func importID(r resource) string {
	s := func(k string) string { v, _ := r.Values[k].(string); return v }
	switch r.Type {
	case "aws_cognito_user_pool":
		return s("id")
	case "aws_cognito_user_pool_client", "aws_cognito_managed_user_pool_client":
		return s("user_pool_id") + "/" + s("id")
	case "aws_cognito_user_pool_domain":
		return s("domain")
	case "aws_cognito_resource_server":
		return s("user_pool_id") + "|" + s("identifier")
	case "aws_cognito_identity_provider":
		return s("user_pool_id") + ":" + s("provider_name")
	case "aws_cognito_user":
		return s("user_pool_id") + "/" + s("username")
	case "aws_cognito_user_group":
		return s("user_pool_id") + "/" + s("name")
	case "aws_cognito_user_pool_ui_customization":
		return s("user_pool_id") + "," + s("client_id")
	case "aws_cognito_risk_configuration":
		if c := s("client_id"); c != "" {
			return s("user_pool_id") + ":" + c
		}
		return s("user_pool_id")
	case "aws_cognito_user_in_group":
		return s("user_pool_id") + "/" + s("group_name") + "/" + s("username")
	}
	return s("id")
}

func (w *tf) destroy() {
	w.t.Run("destroy", func(t *testing.T) {
		w.t = t
		out := w.must(append([]string{"destroy", "-auto-approve", "-no-color", "-input=false"}, append(w.vars, "-var", "stage=2")...)...)
		if !strings.Contains(out, "Destroy complete!") {
			t.Errorf("destroy:\n%s", out)
		}
		if left := w.state(); len(left) != 0 {
			t.Errorf("state after destroy still holds %d resources", len(left))
		}
	})
}
