package sdk_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// csvRow builds a row for header from the values given by column; the
// others stay empty.
func csvRow(header []string, vals map[string]string) string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = vals[h]
	}
	return strings.Join(out, ",")
}

// putCSV uploads body to a pre-signed URL as the guide's curl does and
// returns the status and the answer.
func putCSV(t *testing.T, u string, body []byte, sse bool) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if sse {
		req.Header.Set("x-amz-server-side-encryption", "aws:kms")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitJob polls DescribeUserImportJob until the job leaves the running
// statuses.
func (e *env) waitJob(poolID, jobID string) *types.UserImportJobType {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := must(e.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: &jobID}))(e.t).UserImportJob
		switch j.Status {
		case types.UserImportJobStatusTypePending, types.UserImportJobStatusTypeInProgress, types.UserImportJobStatusTypeStopping:
		default:
			return j
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s after 60 s", jobID, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// usersCSV is a file of n good users under header.
func usersCSV(header []string, n int) *bytes.Buffer {
	var csv bytes.Buffer
	csv.WriteString(strings.Join(header, ",") + "\n")
	for i := range n {
		name := fmt.Sprintf("user%06d", i)
		csv.WriteString(csvRow(header, map[string]string{"cognito:username": name, "email": name + "@example.com",
			"email_verified": "true", "cognito:mfa_enabled": "false", "given_name": "Given", "family_name": "Family"}) + "\n")
	}
	return &csv
}

// countUsers counts a pool's users, page by page.
func (e *env) countUsers(poolID string) int {
	e.t.Helper()
	count := 0
	var token *string
	for {
		out := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, PaginationToken: token}))(e.t)
		count += len(out.Users)
		if out.PaginationToken == nil {
			return count
		}
		token = out.PaginationToken
	}
}

func (e *env) createJob(poolID, name string) *types.UserImportJobType {
	e.t.Helper()
	return must(e.c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{UserPoolId: &poolID, JobName: aws.String(name),
		CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport")}))(e.t).UserImportJob
}

// TestUserImportJob walks the guide: the header from GetCSVHeader, a file
// with good and bad rows PUT to the pre-signed URL with net/http, the job
// started and polled to its end, the counts, the users in RESET_REQUIRED
// with their attributes, and a password reset that lets one sign in.
func TestUserImportJob(t *testing.T) { testUserImportJob(t) }

// TestUserImportJobPostgres is the same on PostgreSQL.
func TestUserImportJobPostgres(t *testing.T) {
	testUserImportJob(t, cognatetest.WithDatabase(pgtest.NewDatabase(t)))
}

func testUserImportJob(t *testing.T, opts ...cognatetest.Option) {
	logs := &syncLog{}
	opts = append(opts, cognatetest.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	e := newEnv(t, opts...)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("family_name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
		}
	})
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("already"),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("already@example.com")}, {Name: aws.String("family_name"), Value: aws.String("X")}}}))(t)

	header := must(e.c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: &poolID}))(t).CSVHeader
	want := "name given_name family_name middle_name nickname preferred_username profile picture website email email_verified gender birthdate zoneinfo locale phone_number phone_number_verified address updated_at custom:tier cognito:mfa_enabled cognito:username"
	if got := strings.Join(header, " "); got != want {
		t.Fatalf("CSVHeader =\n %s\nwant\n %s", got, want)
	}

	good := func(name string) map[string]string {
		return map[string]string{"cognito:username": name, "email": name + "@example.com", "email_verified": "TRUE",
			"cognito:mfa_enabled": "FALSE", "family_name": "Doe"}
	}
	ann := good("ann")
	ann["given_name"], ann["address"], ann["birthdate"], ann["custom:tier"], ann["phone_number"] = "Ann", `1 Main St\, Springfield`, "02/01/1985", "gold", "+12345550100"
	rows := []map[string]string{
		ann,
		good("bob"),
		good("already"), // skipped: the user exists
		good("bob"),     // skipped: earlier in this file
		{"cognito:username": "nomail", "email": "nomail@example.com", "email_verified": "false", "cognito:mfa_enabled": "false", "family_name": "Doe"}, // no auto-verified attribute true
		{"cognito:username": "noname", "email": "noname@example.com", "email_verified": "true", "cognito:mfa_enabled": "false"},                        // required family_name missing
		func() map[string]string { r := good("badmail"); r["email"] = "not-an-email"; return r }(),
		func() map[string]string { r := good("badmfa"); r["cognito:mfa_enabled"] = "maybe"; return r }(),
		func() map[string]string { r := good("has space"); return r }(),
	}
	var csv strings.Builder
	csv.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		csv.WriteString(csvRow(header, r) + "\r\n")
	}
	csv.WriteString("only,three,values\n")

	job := e.createJob(poolID, "first import")
	if job.Status != types.UserImportJobStatusTypeCreated || !strings.HasPrefix(*job.JobId, "import-") || job.PreSignedUrl == nil ||
		*job.CloudWatchLogsRoleArn != "arn:aws:iam::123456789012:role/CognitoImport" || job.CreationDate == nil {
		t.Fatalf("created job = %+v", job)
	}
	if status, body := putCSV(t, *job.PreSignedUrl, []byte(csv.String()), true); status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	started := must(e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId}))(t).UserImportJob
	if started.StartDate == nil || started.Status == types.UserImportJobStatusTypeCreated {
		t.Fatalf("started job = %+v", started)
	}
	_, err := e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId})
	wantErr(t, err, "InvalidParameterException", "only a job in status Created can be started")

	done := e.waitJob(poolID, *job.JobId)
	if done.Status != types.UserImportJobStatusTypeSucceeded || done.ImportedUsers != 2 || done.SkippedUsers != 2 || done.FailedUsers != 6 ||
		done.CompletionDate == nil || *done.CompletionMessage == "" {
		t.Fatalf("finished job: status %s imported %d skipped %d failed %d message %v", done.Status, done.ImportedUsers, done.SkippedUsers, done.FailedUsers, aws.ToString(done.CompletionMessage))
	}
	if status, body := putCSV(t, *job.PreSignedUrl, []byte(csv.String()), true); status != http.StatusForbidden || !strings.Contains(body, "AccessDenied") {
		t.Fatalf("upload after start: %d %s", status, body)
	}

	// The per-row log: one line a row, by line number, with the result and
	// the reason, and none of the row's data; the URL's signature is in no
	// log line.
	rowLines := logs.lines("import row")
	for _, want := range []struct {
		result string
		n      int
	}{{"result=SUCCEEDED", 2}, {"result=SKIPPED", 2}, {"result=FAILED", 6}} {
		got := 0
		for _, l := range rowLines {
			if strings.Contains(l, want.result) && strings.Contains(l, *job.JobId) {
				got++
			}
		}
		if got != want.n {
			t.Errorf("%d log lines with %s, want %d:\n%s", got, want.result, want.n, strings.Join(rowLines, "\n"))
		}
	}
	found := false
	for _, l := range rowLines {
		found = found || (strings.Contains(l, "line=6 ") && strings.Contains(l, "does not set any of the auto verified attributes to true"))
		if strings.Contains(l, "@") || strings.Contains(l, "Springfield") || strings.Contains(l, "nomail") {
			t.Errorf("a row log line carries user data: %s", l)
		}
	}
	if !found {
		t.Errorf("no FAILED line for line 6 (no verified attribute):\n%s", strings.Join(rowLines, "\n"))
	}
	u0, _ := url.Parse(*job.PreSignedUrl)
	if sig := u0.Query().Get("X-Amz-Signature"); sig == "" || len(logs.lines(sig)) > 0 || len(logs.lines("X-Amz-Signature")) > 0 {
		t.Errorf("the pre-signed URL's signature %q is missing or logged", sig)
	}

	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("ann")}))(t)
	if u.UserStatus != types.UserStatusTypeResetRequired || !u.Enabled {
		t.Fatalf("ann: status %s enabled %v", u.UserStatus, u.Enabled)
	}
	attrs := map[string]string{}
	for _, a := range u.UserAttributes {
		attrs[*a.Name] = *a.Value
	}
	for k, v := range map[string]string{"email": "ann@example.com", "email_verified": "true", "given_name": "Ann", "family_name": "Doe",
		"address": "1 Main St, Springfield", "birthdate": "1985-02-01", "custom:tier": "gold", "phone_number": "+12345550100"} {
		if attrs[k] != v {
			t.Errorf("ann's %s = %q, want %q", k, attrs[k], v)
		}
	}
	if attrs["sub"] == "" {
		t.Error("ann has no sub")
	}
	for _, name := range []string{"nomail", "noname", "badmail", "badmfa"} {
		_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(name)})
		wantErr(t, err, "UserNotFoundException", "")
	}
	if a := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("already")}))(t); a.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("the existing user was changed: %s", a.UserStatus)
	}

	// An imported user signs in after the reset Cognito's guide describes.
	_, err = e.passwordAuth(clientID, "ann", password)
	wantErr(t, err, "PasswordResetRequiredException", "")
	_, err = e.srpSignIn(poolID, clientID, "ann", "")
	wantErr(t, err, "PasswordResetRequiredException", "")
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("ann")}))(t)
	code := e.srv.LastCode(poolID, "ann")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("ann"),
		ConfirmationCode: &code, Password: aws.String(password)}))(t)
	if out := must(e.passwordAuth(clientID, "ann", password))(t); out.AuthenticationResult == nil {
		t.Fatal("ann did not get tokens after the reset")
	}
	// And one after an administrator sets a permanent password.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("bob"),
		Password: aws.String(password), Permanent: true}))(t)
	if out := must(e.passwordAuth(clientID, "bob", password))(t); out.AuthenticationResult == nil {
		t.Fatal("bob did not get tokens")
	}
}

// TestUserImportJobErrors: the refusals of the operations and of the
// pre-signed URL.
func TestUserImportJobErrors(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	otherPool, _ := e.pool(types.UserPoolMfaTypeOff)
	job := e.createJob(poolID, "errors")

	_, err := e.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: aws.String("import-NoSuchJob1")})
	wantErr(t, err, "ResourceNotFoundException", "import-NoSuchJob1")
	_, err = e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &otherPool, JobId: job.JobId})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String("us-east-1_nopool"), JobId: job.JobId})
	wantErr(t, err, "ResourceNotFoundException", "us-east-1_nopool")
	_, err = e.c.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId})
	wantErr(t, err, "InvalidParameterException", "only a Pending or InProgress job can be stopped")
	_, err = e.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: aws.String("not-a-job")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{UserPoolId: &poolID, JobName: aws.String("x"), CloudWatchLogsRoleArn: aws.String("not an arn")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String("us-east-1_nopool")})
	wantErr(t, err, "ResourceNotFoundException", "")

	csv := "cognito:username\n"
	u, _ := url.Parse(*job.PreSignedUrl)

	// A URL with its signature changed, or moved to another job or pool,
	// is refused as S3 refuses a bad signature.
	bad := *u
	q2 := u.Query()
	sig := q2.Get("X-Amz-Signature")
	q2.Set("X-Amz-Signature", strings.Repeat("0", len(sig)))
	bad.RawQuery = q2.Encode()
	if status, body := putCSV(t, bad.String(), []byte(csv), true); status != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("bad signature: %d %s", status, body)
	}
	other := e.createJob(poolID, "other")
	moved := *u
	moved.Path = strings.Replace(u.Path, *job.JobId, *other.JobId, 1)
	if status, _ := putCSV(t, moved.String(), []byte(csv), true); status != http.StatusForbidden {
		t.Fatalf("URL moved to another job: %d", status)
	}
	moved.Path = strings.Replace(u.Path, poolID, otherPool, 1)
	if status, _ := putCSV(t, moved.String(), []byte(csv), true); status != http.StatusForbidden {
		t.Fatalf("URL moved to another pool: %d", status)
	}
	if status, body := putCSV(t, *job.PreSignedUrl+"&x=1", []byte(csv), false); status != http.StatusOK {
		t.Fatalf("upload without the encryption header: %d %s", status, body)
	}
	wrongSSE, _ := http.NewRequest(http.MethodPut, *job.PreSignedUrl, strings.NewReader(csv))
	wrongSSE.Header.Set("x-amz-server-side-encryption", "AES256")
	resp := must(http.DefaultClient.Do(wrongSSE))(t)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("upload with AES256: %d", resp.StatusCode)
	}

	// A file over 100 MB (Cognito's limit) is refused as S3 refuses it,
	// from its Content-Length, before it is read.
	big, _ := http.NewRequest(http.MethodPut, *job.PreSignedUrl, io.LimitReader(zeros{}, 100<<20+1))
	big.ContentLength = 100<<20 + 1
	if resp, err := http.DefaultClient.Do(big); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "EntityTooLarge") {
			t.Fatalf("101 MB upload: %d %s", resp.StatusCode, b)
		}
	} else {
		t.Fatalf("101 MB upload: %v", err)
	}

	// The URL expires after 15 minutes, as Cognito's.
	e.srv.Clock.Advance(16 * time.Minute)
	if status, body := putCSV(t, *job.PreSignedUrl, []byte(csv), true); status != http.StatusForbidden || !strings.Contains(body, "Request has expired") {
		t.Fatalf("expired URL: %d %s", status, body)
	}

	// A job started without a file ends Failed, with a message.
	noFile := e.createJob(poolID, "nofile")
	must(e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: noFile.JobId}))(t)
	if j := e.waitJob(poolID, *noFile.JobId); j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "No CSV file") {
		t.Fatalf("job without a file: %s %q", j.Status, aws.ToString(j.CompletionMessage))
	}
	// A header the pool does not have fails the job.
	badHeader := e.createJob(poolID, "badheader")
	if status, body := putCSV(t, *badHeader.PreSignedUrl, []byte("cognito:username,shoe_size\nann,42\n"), true); status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	must(e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: badHeader.JobId}))(t)
	if j := e.waitJob(poolID, *badHeader.JobId); j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "shoe_size") {
		t.Fatalf("job with a bad header: %s %q", j.Status, aws.ToString(j.CompletionMessage))
	}
	// A job never started expires after a day.
	e.srv.Clock.Advance(25 * time.Hour)
	if j := must(e.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: other.JobId}))(t).UserImportJob; j.Status != types.UserImportJobStatusTypeExpired {
		t.Fatalf("unstarted job after 25 h: %s", j.Status)
	}
	_, err = e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: other.JobId})
	wantErr(t, err, "InvalidParameterException", "Expired")

	// A pool without auto-verified attributes takes no import.
	plain, _ := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) { in.AutoVerifiedAttributes = nil })
	pj := e.createJob(plain, "plain")
	_, err = e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &plain, JobId: pj.JobId})
	wantErr(t, err, "InvalidParameterException", "auto-verified")
}

// bigImport is the number of users in startBigImport's file: enough for a
// job to be stopped or interrupted between its batches.
const bigImport = 20000

// startBigImport makes a pool and starts an import job of bigImport users
// into it, named name.
func (e *env) startBigImport(t *testing.T, name string) (string, *types.UserImportJobType) {
	t.Helper()
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	header := must(e.c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: &poolID}))(t).CSVHeader
	job := e.createJob(poolID, name)
	if status, body := putCSV(t, *job.PreSignedUrl, usersCSV(header, bigImport).Bytes(), true); status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	must(e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId}))(t)
	return poolID, job
}

// TestUserImportJobStopAndList: a large file stopped between batches ends
// Stopped with part of its users, and ListUserImportJobs pages through the
// jobs newest first.
func TestUserImportJobStopAndList(t *testing.T) {
	e := newEnv(t)
	poolID, job := e.startBigImport(t, "big")
	stopped := must(e.c.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId}))(t).UserImportJob
	if stopped.Status != types.UserImportJobStatusTypeStopping {
		t.Fatalf("stop answered %s", stopped.Status)
	}
	j := e.waitJob(poolID, *job.JobId)
	if j.Status != types.UserImportJobStatusTypeStopped || aws.ToString(j.CompletionMessage) != "The Import Job was stopped by the developer." ||
		j.ImportedUsers >= bigImport || j.CompletionDate == nil {
		t.Fatalf("stopped job: %s imported %d %q", j.Status, j.ImportedUsers, aws.ToString(j.CompletionMessage))
	}
	count := e.countUsers(poolID)
	if int64(count) != j.ImportedUsers {
		t.Fatalf("the pool has %d users, the job says %d imported", count, j.ImportedUsers)
	}

	ids := []string{*job.JobId}
	for i := range 4 {
		e.srv.Clock.Advance(time.Second)
		ids = append(ids, *e.createJob(poolID, fmt.Sprintf("job-%d", i)).JobId)
	}
	var listed []string
	var token *string
	pages := 0
	for {
		out := must(e.c.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: &poolID, MaxResults: aws.Int32(2), PaginationToken: token}))(t)
		pages++
		for _, j := range out.UserImportJobs {
			listed = append(listed, *j.JobId)
		}
		if out.PaginationToken == nil {
			break
		}
		token = out.PaginationToken
	}
	for i, k := 0, len(ids)-1; i < k; i, k = i+1, k-1 {
		ids[i], ids[k] = ids[k], ids[i]
	}
	if fmt.Sprint(listed) != fmt.Sprint(ids) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want newest first %v", listed, pages, ids)
	}
	_, err := e.c.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: &poolID, MaxResults: aws.Int32(2), PaginationToken: aws.String("import-nothere")})
	wantErr(t, err, "InvalidParameterException", "")
}

// TestUserImportJobRestart: a job running when its server shuts down ends
// Failed, saying it was interrupted, with the counts of the batches it
// wrote; the server started again on the same data shows it so.
func TestUserImportJobRestart(t *testing.T) {
	e := newEnv(t)
	poolID, job := e.startBigImport(t, "interrupted")
	e.srv.Close()

	again := newEnv(t, cognatetest.WithDataDir(e.srv.DataDir))
	j := must(again.c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId}))(t).UserImportJob
	if j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "interrupted") || j.CompletionDate == nil {
		t.Fatalf("after restart: %s %q", j.Status, aws.ToString(j.CompletionMessage))
	}
	count := again.countUsers(poolID)
	if int64(count) != j.ImportedUsers || count >= bigImport {
		t.Fatalf("the pool has %d users, the job says %d imported of %d", count, j.ImportedUsers, bigImport)
	}
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUserImportJobEmailUsernames: in a pool whose users sign in by email,
// cognito:username is the email, as in AdminCreateUser; a second row with
// the same email is skipped, a name that is not an email fails.
func TestUserImportJobEmailUsernames(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	})
	header := must(e.c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: &poolID}))(t).CSVHeader
	row := func(name string) string {
		return csvRow(header, map[string]string{"cognito:username": name, "email_verified": "true", "cognito:mfa_enabled": "false"})
	}
	csv := strings.Join(header, ",") + "\n" + row("carol@example.com") + "\n" + row("carol@example.com") + "\n" + row("carol") + "\n"
	job := e.createJob(poolID, "emails")
	if status, body := putCSV(t, *job.PreSignedUrl, []byte(csv), true); status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	must(e.c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.JobId}))(t)
	j := e.waitJob(poolID, *job.JobId)
	if j.Status != types.UserImportJobStatusTypeSucceeded || j.ImportedUsers != 1 || j.SkippedUsers != 1 || j.FailedUsers != 1 {
		t.Fatalf("job: %s imported %d skipped %d failed %d", j.Status, j.ImportedUsers, j.SkippedUsers, j.FailedUsers)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("carol@example.com")}))(t)
	if u.UserStatus != types.UserStatusTypeResetRequired || strings.Contains(*u.Username, "@") {
		t.Fatalf("carol: %s, username %s (want a generated one)", u.UserStatus, *u.Username)
	}
	_, err := e.passwordAuth(clientID, "carol@example.com", password)
	wantErr(t, err, "PasswordResetRequiredException", "")
}
