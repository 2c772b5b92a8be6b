package sdk_test

import (
	"bytes"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// BenchmarkUserImport100k imports a CSV file of 100,000 users through the
// front door (GetCSVHeader, CreateUserImportJob, a PUT to the pre-signed
// URL, StartUserImportJob, DescribeUserImportJob until it ends) into a
// fresh server, on SQLite and on PostgreSQL (skipped without one, as the
// tests are), and reports the rows imported a second, from
// StartUserImportJob to the job's end as seen by polling every 10 ms, and
// the peak heap of the process while it runs.
//
//	go test ./e2e/sdk/ -run '^$' -bench BenchmarkUserImport100k -benchtime 1x -count 3
func BenchmarkUserImport100k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchUserImport(b) })
	b.Run("postgres", func(b *testing.B) {
		benchUserImport(b, func() cognatetest.Option { return cognatetest.WithDatabase(pgtest.NewDatabase(b)) })
	})
}

func benchUserImport(b *testing.B, opts ...func() cognatetest.Option) {
	const rows = 100_000
	for range b.N {
		b.StopTimer()
		var o []cognatetest.Option
		for _, f := range opts {
			o = append(o, f())
		}
		srv := cognatetest.Start(b, o...)
		c := sdkClient(srv, credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, ""))
		p, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench"),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
		if err != nil {
			b.Fatal(err)
		}
		poolID := *p.UserPool.Id
		h, err := c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: &poolID})
		if err != nil {
			b.Fatal(err)
		}
		csv := usersCSV(h.CSVHeader, rows)
		job, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{UserPoolId: &poolID, JobName: aws.String("bench"),
			CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport")})
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPut, *job.UserImportJob.PreSignedUrl, bytes.NewReader(csv.Bytes()))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("upload: %v %v", resp, err)
		}
		resp.Body.Close()
		b.StartTimer()
		start := time.Now()
		if _, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.UserImportJob.JobId}); err != nil {
			b.Fatal(err)
		}
		var j *types.UserImportJobType
		var peak uint64
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			out, err := c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: job.UserImportJob.JobId})
			if err != nil {
				b.Fatal(err)
			}
			j = out.UserImportJob
			if j.Status != types.UserImportJobStatusTypePending && j.Status != types.UserImportJobStatusTypeInProgress {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if j.Status != types.UserImportJobStatusTypeSucceeded || j.ImportedUsers != rows {
			b.Fatalf("job ended %s with %d imported", j.Status, j.ImportedUsers)
		}
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(csv.Len())/(1<<20), "MiB-csv")
		// The whole process's heap (the test's own copy of the file
		// included), sampled at each poll: the import streams, so it stays
		// far below what 100,000 users would take in memory.
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-heap")
		srv.Close()
	}
}
