package idp

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// TestImportJobOfADeadServer: a job whose runner stopped showing signs of
// life (its server crashed, with no shutdown to mark it) is Failed, saying
// it was interrupted, when next read, and its file is dropped; a live
// one's is left alone.
func TestImportJobOfADeadServer(t *testing.T) {
	e := newTestEnv(t, nil, nil)
	ctx := context.Background()
	mk := func(heartbeat time.Time) string {
		out, err := e.svc.CreateUserImportJob(ctx, &api.CreateUserImportJobInput{UserPoolId: e.pool, JobName: "j",
			CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/CognitoImport"})
		if err != nil {
			t.Fatal(err)
		}
		id := out.UserImportJob.JobId
		if err := e.svc.st.PutImportPart(ctx, e.pool, id, "up", 0, []byte("cognito:username\n")); err != nil {
			t.Fatal(err)
		}
		// As a runner on another server leaves it: InProgress, with its
		// last heartbeat.
		if _, _, err := e.svc.updateImportJob(ctx, e.pool, id, func(_ *store.ImportJob, d *importJobDoc) error {
			d.Status, d.Started, d.Heartbeat, d.Upload, d.Parts, d.Size, d.Imported = importInProgress, e.clock(), heartbeat, "up", 1, 17, 500
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	dead, live := mk(time.Now().Add(-importStale-time.Second)), mk(time.Now())

	got, err := e.svc.DescribeUserImportJob(ctx, &api.DescribeUserImportJobInput{UserImportJobInput: api.UserImportJobInput{UserPoolId: e.pool, JobId: dead}})
	if err != nil {
		t.Fatal(err)
	}
	j := got.UserImportJob
	if j.Status != importFailed || j.CompletionMessage != api.MsgImportInterrupted || j.CompletionDate == nil || j.ImportedUsers != 500 {
		t.Fatalf("dead server's job: %+v", j)
	}
	if _, err := e.svc.st.GetImportPart(ctx, e.pool, dead, "up", 0); err != store.ErrNotFound {
		t.Fatalf("the dead job's file is still there: %v", err)
	}
	ten := int32(10)
	list, err := e.svc.ListUserImportJobs(ctx, &api.ListUserImportJobsInput{UserPoolId: e.pool, MaxResults: &ten})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list.UserImportJobs {
		if j.JobId == live && j.Status != importInProgress {
			t.Fatalf("a live job was judged dead: %s", j.Status)
		}
	}
	if _, err := e.svc.st.GetImportPart(ctx, e.pool, live, "up", 0); err != nil {
		t.Fatalf("the live job's file: %v", err)
	}
}
