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
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
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

// finishImport ends a running job with status and message, unless it has
// ended already (a stale job judged Failed elsewhere); a job being stopped
// ends Stopped whatever its runner reached.
func (s *Service) finishImport(ctx context.Context, poolID, jobID, status, msg string) {
	_, _, err := s.updateImportJob(ctx, poolID, jobID, func(_ *store.ImportJob, d *importJobDoc) error {
		if !d.running() {
			return nil
		}
		if d.Status == importStopping {
			status, msg = importStopped, api.MsgImportStopped
		}
		d.Status, d.Message, d.Completed = status, msg, s.now()
		return nil
	})
	if err != nil && !api.IsCode(err, api.ErrResourceNotFound) {
		s.log.Warn("import: ending the job failed", "pool", poolID, "job", jobID, "err", err)
	}
}

// partsReader reads a stored file part by part.
type partsReader struct {
	ctx               context.Context
	st                store.Store
	pool, job, upload string
	next, parts       int
	size, read        int64
	buf               []byte
	damaged           bool
}

func (r *partsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.next >= r.parts {
			if r.read != r.size {
				r.damaged = true
				return 0, io.ErrUnexpectedEOF
			}
			return 0, io.EOF
		}
		b, err := r.st.GetImportPart(r.ctx, r.pool, r.job, r.upload, r.next)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				r.damaged = true
			}
			return 0, err
		}
		r.next++
		r.read += int64(len(b))
		r.buf = b
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// importRun is one job being run.
type importRun struct {
	s        *Service
	p        *pool
	jobID    string
	cols     []string
	index    map[string]int
	batch    []*store.User
	lines    []int
	names    map[string]bool // usernames (or sign-in values) in the batch
	imported int64
	skipped  int64
	failed   int64
}

// runImport runs a started job to its end.
func (s *Service) runImport(ctx context.Context, poolID, jobID string) {
	_, d, err := s.updateImportJob(ctx, poolID, jobID, func(_ *store.ImportJob, d *importJobDoc) error {
		if d.Status == importPending {
			d.Status = importInProgress
		}
		d.Heartbeat = time.Now()
		return nil
	})
	if err != nil {
		s.log.Warn("import: the job could not begin", "pool", poolID, "job", jobID, "err", err)
		return
	}
	if !d.running() {
		return
	}
	status, msg := s.importRows(ctx, poolID, jobID, d)
	if ctx.Err() != nil {
		status, msg = importFailed, api.MsgImportInterrupted
	}
	s.finishImport(context.Background(), poolID, jobID, status, msg)
}

// importRows reads the file and writes its users; it returns how the job
// ends.
func (s *Service) importRows(ctx context.Context, poolID, jobID string, d *importJobDoc) (status, msg string) {
	if d.Upload == "" {
		return importFailed, api.MsgImportNoFile
	}
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return importFailed, api.MsgImportInterrupted
	}
	// A heartbeat between batches too, so that a slow batch does not look
	// like a dead server.
	beat, stopBeat := context.WithCancel(ctx)
	defer stopBeat()
	go func() {
		t := time.NewTicker(importHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-beat.Done():
				return
			case <-t.C:
				s.st.UpdateImportJob(beat, poolID, jobID, func(j *store.ImportJob) error {
					var d importJobDoc
					if err := decodeDoc(j.Doc, &d); err != nil {
						return err
					}
					d.Heartbeat = time.Now()
					j.Doc = encodeDoc(&d)
					return nil
				})
			}
		}
	}()
	src := &partsReader{ctx: ctx, st: s.st, pool: poolID, job: jobID, upload: d.Upload, parts: d.Parts, size: d.Size}
	r := &importRun{s: s, p: p, jobID: jobID, names: map[string]bool{}}
	in := bufio.NewReaderSize(src, 64<<10)
	lineNo, rows := 0, 0
	for {
		line, tooLong, err := readLine(in, 4*importMaxLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			if src.damaged {
				return importFailed, api.MsgImportFileDamaged
			}
			return importFailed, api.MsgImportInterrupted
		}
		lineNo++
		if r.cols == nil {
			if lineNo == 1 {
				line = strings.TrimPrefix(line, "\ufeff") // a byte order mark, forgiven
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if m := r.header(line); m != "" {
				return importFailed, m
			}
			continue
		}
		if strings.TrimSpace(line) == "" && !tooLong {
			continue
		}
		if rows++; rows > importMaxRows {
			if stop, st, m := r.flush(ctx); stop {
				return st, m
			}
			return importFailed, fmt.Sprintf(api.MsgImportTooManyRows, importMaxRows)
		}
		if tooLong || utf8.RuneCountInString(line) > importMaxLine {
			r.fail(lineNo, fmt.Sprintf(api.MsgImportRowTooLong, importMaxLine))
		} else {
			r.row(ctx, lineNo, line)
		}
		if len(r.batch) >= importBatch || r.pendingCounts() >= importBatch {
			if stop, st, m := r.flush(ctx); stop {
				return st, m
			}
		}
	}
	if r.cols == nil {
		return importFailed, api.MsgImportEmptyFile
	}
	if stop, st, m := r.flush(ctx); stop {
		return st, m
	}
	_, d, err = s.loadImportJob(ctx, poolID, jobID)
	if err != nil {
		return importFailed, api.MsgImportInterrupted
	}
	if d.Imported == 0 && d.Failed+d.Skipped > 0 {
		return importFailed, api.MsgImportAllFailed
	}
	return importSucceeded, api.MsgImportSucceeded
}

// readLine reads one line without its end (\n or \r\n). A line longer than
// max is consumed whole but returned cut, with tooLong set.
func readLine(r *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(b)+len(chunk) <= max+2 {
			b = append(b, chunk...)
		} else {
			tooLong = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || (len(b) == 0 && !tooLong)) {
			return "", false, err
		}
		break
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	return s, tooLong, nil
}

// splitRow splits a row at its commas; a backslash before a comma makes
// the comma part of the value. Values are trimmed.
func splitRow(line string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == ',':
			cur.WriteByte(',')
			i++
		case line[i] == ',':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// header checks the header row: every column of GetCSVHeader, each once,
// and no other ("All columns in the header must be present"). It returns
// the job's failure message, or "".
func (r *importRun) header(line string) string {
	want := csvHeader(r.p)
	known := map[string]bool{}
	for _, c := range want {
		known[c] = true
	}
	r.cols = splitRow(line)
	r.index = map[string]int{}
	for i, c := range r.cols {
		if !known[c] {
			return fmt.Sprintf(api.MsgImportUnknownColumn, c)
		}
		if _, dup := r.index[c]; dup {
			return fmt.Sprintf(api.MsgImportDupColumn, c)
		}
		r.index[c] = i
	}
	for _, c := range want {
		if _, ok := r.index[c]; !ok {
			return fmt.Sprintf(api.MsgImportMissingColumn, c)
		}
	}
	return ""
}

// The per-row log: Cognito writes one line a user to CloudWatch Logs,
// naming the line number and never the user's data; Cognate writes the
// same to its own log (failed and skipped rows at Info, imported ones at
// Debug).
func (r *importRun) logRow(level, result string, line int, reason string) {
	attrs := []any{"pool", r.p.rec.ID, "job", r.jobID, "line", line, "result", result, "reason", reason}
	if level == "debug" {
		r.s.log.Debug("import row", attrs...)
		return
	}
	r.s.log.Info("import row", attrs...)
}

func (r *importRun) fail(line int, reason string) {
	r.failed++
	r.logRow("info", "FAILED", line, reason)
}

func (r *importRun) skip(line int) {
	r.skipped++
	r.logRow("info", "SKIPPED", line, api.MsgImportRowExists)
}

// pendingCounts is how many rows were judged since the last flush without
// a user to write, so that a file of bad rows still reports progress.
func (r *importRun) pendingCounts() int { return int(r.failed + r.skipped) }

// row checks one data row as Cognito does and adds its user to the batch.
func (r *importRun) row(ctx context.Context, line int, text string) {
	if !utf8.ValidString(text) {
		r.fail(line, api.MsgImportRowNotUTF8)
		return
	}
	vals := splitRow(text)
	if len(vals) != len(r.cols) {
		r.fail(line, fmt.Sprintf(api.MsgImportRowColumns, len(vals), len(r.cols)))
		return
	}
	get := func(col string) string { return vals[r.index[col]] }
	p := r.p
	name := get("cognito:username")
	if name == "" || strings.ContainsAny(name, " \t") || utf8.RuneCountInString(name) > 128 {
		r.fail(line, api.MsgImportRowUsername)
		return
	}
	mfa := strings.ToLower(get("cognito:mfa_enabled"))
	switch {
	case mfa != "true" && mfa != "false":
		r.fail(line, api.MsgImportRowMFAValue)
		return
	case p.doc.MfaConfiguration == "ON" && mfa != "true":
		r.fail(line, api.MsgImportRowMFARequired)
		return
	case p.doc.MfaConfiguration == "OFF" && mfa != "false":
		r.fail(line, api.MsgImportRowMFAOff)
		return
	}
	var attrs []api.AttributeType
	for i, col := range r.cols {
		v := vals[i]
		if v == "" || strings.HasPrefix(col, "cognito:") {
			continue
		}
		switch col {
		case "email_verified", "phone_number_verified":
			v = strings.ToLower(v)
		case "birthdate":
			t, err := time.Parse("01/02/2006", v)
			if err != nil {
				r.fail(line, api.MsgImportRowBirthdate)
				return
			}
			v = t.Format("2006-01-02") // the form the API keeps (OIDC's)
		case "updated_at":
			if _, err := strconv.ParseUint(v, 10, 63); err != nil {
				r.fail(line, api.MsgImportRowUpdatedAt)
				return
			}
		}
		attrs = append(attrs, api.AttributeType{Name: col, Value: &v})
	}
	checked, err := checkAttributes(p, attrs)
	if err != nil {
		r.fail(line, errMessage(err))
		return
	}
	username := p.canonicalName(name)
	sub := uuid.NewString()
	key := username
	if len(p.doc.UsernameAttributes) > 0 {
		// As AdminCreateUser: the name is the email or phone the user signs
		// in with, and the username becomes the sub.
		switch {
		case contains(p.doc.UsernameAttributes, "email") && emailPattern.MatchString(username):
			checked["email"] = username
		case contains(p.doc.UsernameAttributes, "phone_number") && phonePattern.MatchString(username):
			checked["phone_number"] = username
		default:
			r.fail(line, api.MsgUsernameEmailOrPhone)
			return
		}
		key, username = username, sub
	}
	for _, a := range []string{"email", "phone_number"} {
		if checked[a+"_verified"] == "true" && checked[a] == "" {
			r.fail(line, fmt.Sprintf(api.MsgImportRowVerifiedEmpty, a+"_verified", a))
			return
		}
	}
	verified := false
	for _, a := range p.doc.AutoVerifiedAttributes {
		verified = verified || (checked[a+"_verified"] == "true" && checked[a] != "")
	}
	if !verified {
		r.fail(line, api.MsgImportRowNoAutoVerify)
		return
	}
	if err := requiredMissing(p, checked); err != nil {
		r.fail(line, errMessage(err))
		return
	}
	if r.names[key] {
		r.skip(line)
		return
	}
	if len(p.doc.UsernameAttributes) > 0 {
		if err := r.s.checkSignInAttributeFree(ctx, p, checked, ""); err != nil {
			if api.IsCode(err, api.ErrUsernameExists) || api.IsCode(err, api.ErrAliasExists) {
				r.skip(line)
			} else {
				r.fail(line, errMessage(err))
			}
			return
		}
	}
	r.names[key] = true
	now := r.s.now()
	// An imported user has no password (Cognito imports none). It gets a
	// salt and a verifier that no password produces, made as a phantom
	// user's, so that every sign-in path treats it as a user whose password
	// is unknown, and answers PasswordResetRequiredException.
	ph := signin.Phantom(r.s.seal, p.rec.ID, username)
	r.batch = append(r.batch, &store.User{PoolID: p.rec.ID, Username: username, Sub: sub, Status: StatusResetRequired, Enabled: true,
		Created: now, Updated: now, Attributes: checked, Codes: map[string]store.Code{}, Salt: ph.Salt, Verifier: ph.Verifier})
	r.lines = append(r.lines, line)
}

func errMessage(err error) string {
	if e, ok := api.As(err); ok {
		return e.Message
	}
	return api.MsgInternal
}

// flush writes the batch in one transaction (a user already there sends
// the batch down the one-by-one path, which skips that user) and adds the
// counts to the job. It reports whether the job must end, and how: it was
// stopped, ended elsewhere, or the store failed.
func (r *importRun) flush(ctx context.Context) (stop bool, status, msg string) {
	if len(r.batch) > 0 {
		err := r.s.st.CreateUsers(ctx, r.batch)
		switch {
		case err == nil:
			r.imported += int64(len(r.batch))
			for _, l := range r.lines {
				r.logRow("debug", "SUCCEEDED", l, api.MsgImportRowSucceeded)
			}
		case errors.Is(err, store.ErrExists):
			for i, u := range r.batch {
				switch err := r.s.st.CreateUser(ctx, u); {
				case err == nil:
					r.imported++
					r.logRow("debug", "SUCCEEDED", r.lines[i], api.MsgImportRowSucceeded)
				case errors.Is(err, store.ErrExists):
					r.skip(r.lines[i])
				default:
					r.s.log.Warn("import: writing a user failed", "pool", r.p.rec.ID, "job", r.jobID, "line", r.lines[i], "err", err)
					return true, importFailed, api.MsgImportStoreFailed
				}
			}
		default:
			r.s.log.Warn("import: writing users failed", "pool", r.p.rec.ID, "job", r.jobID, "err", err)
			return true, importFailed, api.MsgImportStoreFailed
		}
	}
	r.batch, r.lines = r.batch[:0], r.lines[:0]
	clear(r.names)
	var d *importJobDoc
	_, d, err := r.s.updateImportJob(context.WithoutCancel(ctx), r.p.rec.ID, r.jobID, func(_ *store.ImportJob, d *importJobDoc) error {
		d.Imported += r.imported
		d.Skipped += r.skipped
		d.Failed += r.failed
		d.Heartbeat = time.Now()
		return nil
	})
	r.imported, r.skipped, r.failed = 0, 0, 0
	if err != nil {
		return true, importFailed, api.MsgImportInterrupted
	}
	if ctx.Err() != nil {
		return true, importFailed, api.MsgImportInterrupted
	}
	if !d.running() || d.Status == importStopping {
		return true, importStopped, api.MsgImportStopped
	}
	return false, "", ""
}
