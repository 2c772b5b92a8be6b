package idp

// User import jobs, as Cognito runs them: GetCSVHeader gives the columns,
// CreateUserImportJob a job with a pre-signed URL the CSV file is PUT to
// (served by Cognate itself, see UploadImportFile), StartUserImportJob runs
// it in the background, StopUserImportJob stops it between batches.
//
// Choices where Cognito's behaviour is not documented (also in the README):
//   - The file is kept in the store in parts of importPartSize, each written
//     in its own transaction, so that it survives a restart, is seen by
//     every node sharing a PostgreSQL database, and never sits in memory
//     whole. It is deleted when the job ends or expires.
//   - A job runs on the node that started it. Its runner records a
//     heartbeat (wall-clock time) every importHeartbeat; a job Pending,
//     InProgress or Stopping whose heartbeat is older than importStale (its
//     server stopped or crashed) is marked Failed with
//     MsgImportInterrupted when next read. A server shutting down marks its
//     own running jobs so before it closes the store.
//   - A job whose every row failed or was skipped ends Failed ("Too many
//     users have failed or been skipped", Cognito's words; its threshold is
//     not documented); otherwise it ends Succeeded.
//   - Rows are read as the developer guide says: unquoted values, a
//     backslash before a comma that belongs to a value, values trimmed.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// Import job statuses (UserImportJobStatusType).
const (
	importCreated    = "Created"
	importPending    = "Pending"
	importInProgress = "InProgress"
	importStopping   = "Stopping"
	importStopped    = "Stopped"
	importFailed     = "Failed"
	importSucceeded  = "Succeeded"
	importExpired    = "Expired"
)

// Limits and times of import jobs.
const (
	// ImportURLLifetime is how long a job's pre-signed URL takes uploads:
	// 15 minutes, as Cognito's.
	ImportURLLifetime = 15 * time.Minute
	// importJobExpiry: a job not started this long after its creation is
	// Expired (Cognito: "within 24-48 hours"; Cognate takes 24).
	importJobExpiry = 24 * time.Hour
	// MaxImportFile is the largest CSV file a job takes (Cognito: 100 MB).
	MaxImportFile = 100 << 20
	// importMaxRows and importMaxLine are Cognito's documented limits.
	importMaxRows = 500_000
	importMaxLine = 16_000
	// importPartSize is the size of the parts a file is stored in.
	importPartSize = 1 << 20
	// importBatch is how many users are written in one transaction; a stop
	// is honoured between batches.
	importBatch = 500
	// importHeartbeat and importStale: see the package comment above.
	importHeartbeat = 10 * time.Second
	importStale     = time.Minute
	// ImportPath is where the pre-signed URLs point, under the public URL:
	// ImportPath + "{poolId}/{jobId}".
	ImportPath = "/_cognate/import/"
	// importDateFormat is X-Amz-Date's (SigV4's) format.
	importDateFormat = "20060102T150405Z"
)

// importJobDoc is a job as the domain keeps it in store.ImportJob.Doc.
type importJobDoc struct {
	Name      string
	RoleArn   string
	Status    string
	Started   time.Time `json:",omitzero"`
	Completed time.Time `json:",omitzero"`
	Imported  int64
	Skipped   int64
	Failed    int64
	Message   string `json:",omitempty"`
	// URLDate is the X-Amz-Date of the job's pre-signed URL.
	URLDate time.Time
	// Upload names the completed upload whose parts are the file ("" for
	// none yet), Parts and Size its extent.
	Upload string `json:",omitempty"`
	Parts  int    `json:",omitempty"`
	Size   int64  `json:",omitempty"`
	// Heartbeat is the wall-clock time the runner last showed it was alive.
	Heartbeat time.Time `json:",omitzero"`
}

func (d *importJobDoc) running() bool {
	return d.Status == importPending || d.Status == importInProgress || d.Status == importStopping
}

// importRunners are the jobs this server runs, so that Shutdown can stop
// them before the store closes.
type importRunners struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (r *importRunners) start(run func(ctx context.Context)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		r.ctx, r.cancel = context.WithCancel(context.Background())
	}
	if r.ctx.Err() != nil {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		run(r.ctx)
	}()
	return true
}

// StopImports stops the import jobs this server runs (each is marked Failed
// with MsgImportInterrupted) and waits for them, at most until ctx ends.
func (s *Service) StopImports(ctx context.Context) {
	r := &s.imports
	r.mu.Lock()
	if r.ctx == nil {
		r.ctx, r.cancel = context.WithCancel(context.Background())
	}
	r.cancel()
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func errNoImportJob(id string) error {
	return api.Errorf(api.ErrResourceNotFound, api.MsgImportJobNotFound, id)
}

// csvHeader is GetCSVHeader's list: the standard attributes in schema
// order (sub excepted), the pool's custom attributes, then
// cognito:mfa_enabled and cognito:username, as Cognito's documented answer
// lists them. Where Cognito puts custom attributes is not documented;
// Cognate puts them after the standard ones.
func csvHeader(p *pool) []string {
	out := make([]string, 0, len(standardSchema)+len(p.doc.Schema)+2)
	for _, st := range standardSchema {
		if st.name != "sub" {
			out = append(out, st.name)
		}
	}
	for _, sa := range p.doc.Schema {
		if standardAttributes[sa.Name] || sa.Name == "sub" {
			continue
		}
		if name := schemaName(sa); strings.HasPrefix(name, "custom:") {
			out = append(out, name)
		}
	}
	return append(out, "cognito:mfa_enabled", "cognito:username")
}

// GetCSVHeader answers GetCSVHeader.
func (s *Service) GetCSVHeader(ctx context.Context, in *api.GetCSVHeaderInput) (*api.GetCSVHeaderOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &api.GetCSVHeaderOutput{UserPoolId: p.rec.ID, CSVHeader: csvHeader(p)}, nil
}

// newImportJobID makes an id as Cognito's look: "import-" and ten letters
// and digits.
func newImportJobID() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return "import-" + string(b)
}

// CreateUserImportJob answers CreateUserImportJob.
func (s *Service) CreateUserImportJob(ctx context.Context, in *api.CreateUserImportJobInput) (*api.UserImportJobOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &importJobDoc{Name: in.JobName, RoleArn: in.CloudWatchLogsRoleArn, Status: importCreated, URLDate: now.Truncate(time.Second)}
	j := &store.ImportJob{PoolID: p.rec.ID, ID: newImportJobID(), Created: now, Doc: encodeDoc(d)}
	if err := s.st.CreateImportJob(ctx, j); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, in.UserPoolId)
		}
		return nil, internal(err)
	}
	return &api.UserImportJobOutput{UserImportJob: s.describeImportJob(j, d)}, nil
}

func (s *Service) describeImportJob(j *store.ImportJob, d *importJobDoc) *api.UserImportJobType {
	out := &api.UserImportJobType{JobName: d.Name, JobId: j.ID, UserPoolId: j.PoolID, PreSignedUrl: s.importURL(j.PoolID, j.ID, d.URLDate),
		CreationDate: api.At(j.Created), Status: d.Status, CloudWatchLogsRoleArn: d.RoleArn,
		ImportedUsers: d.Imported, SkippedUsers: d.Skipped, FailedUsers: d.Failed, CompletionMessage: d.Message}
	if !d.Started.IsZero() {
		t := api.At(d.Started)
		out.StartDate = &t
	}
	if !d.Completed.IsZero() {
		t := api.At(d.Completed)
		out.CompletionDate = &t
	}
	return out
}

// importSignature is the pre-signed URL's signature: a MAC (master key) of
// the pool, the job and the URL's date, so that a URL names one job of one
// pool, cannot be guessed or forged, and expires.
func (s *Service) importSignature(poolID, jobID string, date time.Time) string {
	return hex.EncodeToString(s.seal.MAC(seal.MACImportURL, poolID, jobID, date.UTC().Format(importDateFormat)))
}

// importURL is a job's pre-signed URL. Its query has the names of an S3
// pre-signed URL's, so tools that look for them find them.
func (s *Service) importURL(poolID, jobID string, date time.Time) string {
	q := url.Values{}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Date", date.UTC().Format(importDateFormat))
	q.Set("X-Amz-Expires", strconv.Itoa(int(ImportURLLifetime/time.Second)))
	q.Set("X-Amz-SignedHeaders", "host;x-amz-server-side-encryption")
	q.Set("X-Amz-Signature", s.importSignature(poolID, jobID, date))
	return strings.TrimSuffix(s.publicURL, "/") + ImportPath + url.PathEscape(poolID) + "/" + url.PathEscape(jobID) + "?" + q.Encode()
}

// loadImportJob reads a job and settles it (see settleImportJob).
func (s *Service) loadImportJob(ctx context.Context, poolID, jobID string) (*store.ImportJob, *importJobDoc, error) {
	j, err := s.st.GetImportJob(ctx, poolID, jobID)
	if errors.Is(err, store.ErrNotFound) {
		if _, perr := s.loadPool(ctx, poolID); perr != nil {
			return nil, nil, perr
		}
		return nil, nil, errNoImportJob(jobID)
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	var d importJobDoc
	if err := decodeDoc(j.Doc, &d); err != nil {
		return nil, nil, internal(err)
	}
	if s.settleImportJob(j, &d) {
		return s.updateImportJob(ctx, poolID, jobID, func(*store.ImportJob, *importJobDoc) error { return nil })
	}
	return j, &d, nil
}

// settleImportJob applies what time alone changes: a job left unstarted
// expires, a job whose runner stopped showing signs of life fails. It
// reports whether d changed.
func (s *Service) settleImportJob(j *store.ImportJob, d *importJobDoc) bool {
	switch {
	case d.Status == importCreated && s.now().Sub(j.Created) > importJobExpiry:
		d.Status, d.Completed = importExpired, s.now()
		return true
	case d.running() && time.Since(d.Heartbeat) > importStale:
		d.Status, d.Completed, d.Message = importFailed, s.now(), api.MsgImportInterrupted
		return true
	}
	return false
}

// updateImportJob changes a job atomically: fn sees it settled. When the
// job ends (or expires) here, its file is dropped.
func (s *Service) updateImportJob(ctx context.Context, poolID, jobID string, fn func(*store.ImportJob, *importJobDoc) error) (*store.ImportJob, *importJobDoc, error) {
	var d importJobDoc
	wasLive := false
	j, err := s.st.UpdateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		d = importJobDoc{}
		if err := decodeDoc(j.Doc, &d); err != nil {
			return err
		}
		wasLive = d.Status == importCreated || d.running()
		s.settleImportJob(j, &d)
		if err := fn(j, &d); err != nil {
			return err
		}
		j.Doc = encodeDoc(&d)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNoImportJob(jobID)
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	if wasLive && d.Status != importCreated && !d.running() {
		if err := s.st.DeleteImportParts(ctx, poolID, jobID); err != nil {
			s.log.Warn("import: dropping the file failed", "pool", poolID, "job", jobID, "err", err)
		}
	}
	return j, &d, nil
}

// DescribeUserImportJob answers DescribeUserImportJob.
func (s *Service) DescribeUserImportJob(ctx context.Context, in *api.DescribeUserImportJobInput) (*api.UserImportJobOutput, error) {
	j, d, err := s.loadImportJob(ctx, in.UserPoolId, in.JobId)
	if err != nil {
		return nil, err
	}
	return &api.UserImportJobOutput{UserImportJob: s.describeImportJob(j, d)}, nil
}

// ListUserImportJobs answers ListUserImportJobs: newest first, as Cognito
// lists them; the pagination token is the last job's id.
func (s *Service) ListUserImportJobs(ctx context.Context, in *api.ListUserImportJobsInput) (*api.ListUserImportJobsOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if in.PaginationToken != "" {
		if _, err := s.st.GetImportJob(ctx, in.UserPoolId, in.PaginationToken); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPaginationToken)
			}
			return nil, internal(err)
		}
	}
	limit := int(*in.MaxResults)
	jobs, err := s.st.ListImportJobs(ctx, in.UserPoolId, in.PaginationToken, limit+1)
	if err != nil {
		return nil, internal(err)
	}
	out := &api.ListUserImportJobsOutput{}
	if len(jobs) > limit {
		jobs = jobs[:limit]
		out.PaginationToken = jobs[limit-1].ID
	}
	for _, j := range jobs {
		var d importJobDoc
		if err := decodeDoc(j.Doc, &d); err != nil {
			return nil, internal(err)
		}
		if s.settleImportJob(j, &d) {
			var err error
			if j, _, err = s.updateImportJob(ctx, j.PoolID, j.ID, func(_ *store.ImportJob, nd *importJobDoc) error { d = *nd; return nil }); err != nil {
				return nil, err
			}
		}
		out.UserImportJobs = append(out.UserImportJobs, *s.describeImportJob(j, &d))
	}
	return out, nil
}

// StartUserImportJob answers StartUserImportJob: the job turns Pending and
// runs in the background on this server.
func (s *Service) StartUserImportJob(ctx context.Context, in *api.StartUserImportJobInput) (*api.UserImportJobOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.loadImportJob(ctx, p.rec.ID, in.JobId); err != nil {
		return nil, err // an unknown job is that, whatever the pool
	}
	if len(p.doc.AutoVerifiedAttributes) == 0 {
		// Cognito: "If the user pool has no auto-verified attributes, the
		// import job will not start."
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgImportNoAutoVerified)
	}
	j, d, err := s.updateImportJob(ctx, in.UserPoolId, in.JobId, func(_ *store.ImportJob, d *importJobDoc) error {
		if d.Status != importCreated {
			return api.Errorf(api.ErrInvalidParameter, api.MsgImportJobNotStartable, d.Status)
		}
		d.Status, d.Started, d.Heartbeat = importPending, s.now(), time.Now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &api.UserImportJobOutput{UserImportJob: s.describeImportJob(j, d)}
	if !s.imports.start(func(ctx context.Context) { s.runImport(ctx, j.PoolID, j.ID) }) {
		// Shutting down: the job fails at once rather than wait to go stale.
		s.finishImport(context.Background(), j.PoolID, j.ID, importFailed, api.MsgImportInterrupted)
	}
	return out, nil
}

// StopUserImportJob answers StopUserImportJob: the job turns Stopping, and
// Stopped once its runner reaches the end of the batch it is writing.
func (s *Service) StopUserImportJob(ctx context.Context, in *api.StopUserImportJobInput) (*api.UserImportJobOutput, error) {
	j, d, err := s.updateImportJob(ctx, in.UserPoolId, in.JobId, func(_ *store.ImportJob, d *importJobDoc) error {
		if d.Status != importPending && d.Status != importInProgress {
			return api.Errorf(api.ErrInvalidParameter, api.MsgImportJobNotStoppable, d.Status)
		}
		d.Status = importStopping
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UserImportJobOutput{UserImportJob: s.describeImportJob(j, d)}, nil
}

// ImportUpload is one PUT to a pre-signed URL.
type ImportUpload struct {
	PoolID, JobID string
	Query         url.Values
	// Encryption is the x-amz-server-side-encryption header: Cognito's
	// guide sends aws:kms; Cognate takes it or none.
	Encryption string
	Body       io.Reader
}

// UploadImportFile stores the file PUT to a job's pre-signed URL. The URL's
// signature is checked first, so that nothing about a job is told to a
// caller without its URL; then its expiry (ImportURLLifetime). A second
// upload replaces the first until the job is started.
func (s *Service) UploadImportFile(ctx context.Context, up ImportUpload) error {
	date, err := time.Parse(importDateFormat, up.Query.Get("X-Amz-Date"))
	badSig := api.Errorf(api.ErrNotAuthorized, api.MsgImportURLSignature)
	if err != nil || up.Query.Get("X-Amz-Expires") != strconv.Itoa(int(ImportURLLifetime/time.Second)) {
		return badSig
	}
	sig, err := hex.DecodeString(up.Query.Get("X-Amz-Signature"))
	if err != nil {
		return badSig
	}
	ok := false
	for _, m := range s.seal.MACs(seal.MACImportURL, up.PoolID, up.JobID, date.Format(importDateFormat)) {
		ok = ok || hmac.Equal(m, sig)
	}
	if !ok {
		return badSig
	}
	if !s.now().Before(date.Add(ImportURLLifetime)) {
		return api.Errorf(api.ErrNotAuthorized, api.MsgImportURLExpired)
	}
	if up.Encryption != "" && up.Encryption != "aws:kms" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgImportSSEHeader)
	}
	if _, d, err := s.loadImportJob(ctx, up.PoolID, up.JobID); err != nil {
		return err
	} else if d.Status != importCreated {
		return api.Errorf(api.ErrNotAuthorized, api.MsgImportUploadClosed)
	}
	upload := uuid.NewString()
	body := io.LimitReader(up.Body, MaxImportFile+1)
	buf := make([]byte, importPartSize)
	var size int64
	parts := 0
	for {
		n, rerr := io.ReadFull(body, buf)
		if n > 0 {
			size += int64(n)
			if size > MaxImportFile {
				return api.Errorf(api.ErrInvalidParameter, api.MsgImportFileTooLarge)
			}
			if err := s.st.PutImportPart(ctx, up.PoolID, up.JobID, upload, parts, buf[:n]); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return errNoImportJob(up.JobID)
				}
				return internal(err)
			}
			parts++
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return api.Errorf(api.ErrInvalidParameter, api.MsgImportUploadFailed)
		}
	}
	_, _, err = s.updateImportJob(ctx, up.PoolID, up.JobID, func(_ *store.ImportJob, d *importJobDoc) error {
		if d.Status != importCreated {
			return api.Errorf(api.ErrNotAuthorized, api.MsgImportUploadClosed)
		}
		d.Upload, d.Parts, d.Size = upload, parts, size
		return nil
	})
	return err
}
