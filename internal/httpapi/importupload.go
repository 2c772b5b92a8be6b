package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// importUploadTime bounds one upload to a pre-signed URL: the server's
// ReadTimeout (30 s) is meant for API requests of a few kilobytes, and a
// 100 MB file on a slow link needs longer.
const importUploadTime = 10 * time.Minute

// serveImportUpload takes the CSV file of a user import job, PUT to the
// job's pre-signed URL (idp.ImportPath + "{poolId}/{jobId}?X-Amz-..."), as
// S3 takes it for Cognito: `curl -T users.csv "$URL"` with or without the
// x-amz-server-side-encryption: aws:kms header of Cognito's guide. It
// answers as S3 does: 200 with an empty body, or an XML error.
func (s *Server) serveImportUpload(w *statusRecorder, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, idp.ImportPath)
	poolID, jobID, ok := strings.Cut(rest, "/")
	if !ok || poolID == "" || jobID == "" || strings.Contains(jobID, "/") {
		writeS3Error(w, api.Errorf(api.ErrNotAuthorized, api.MsgImportURLSignature))
		return
	}
	if r.ContentLength > idp.MaxImportFile {
		writeS3Error(w, api.Errorf(api.ErrInvalidParameter, api.MsgImportFileTooLarge))
		return
	}
	rc := http.NewResponseController(w.ResponseWriter)
	rc.SetReadDeadline(time.Now().Add(importUploadTime))
	// One byte over the limit gets through, so that the domain sees the
	// file is too large and says so.
	body := http.MaxBytesReader(w, r.Body, idp.MaxImportFile+1)
	err := s.cfg.Service.UploadImportFile(r.Context(), idp.ImportUpload{PoolID: poolID, JobID: jobID, Query: r.URL.Query(),
		Encryption: r.Header.Get("X-Amz-Server-Side-Encryption"), Body: body})
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = api.Errorf(api.ErrInvalidParameter, api.MsgImportFileTooLarge)
	}
	if err != nil {
		if e, ok := api.As(err); !ok || e.Code == api.ErrInternal {
			s.log.Error("import upload failed", "pool", poolID, "job", jobID, "err", err)
		}
		writeS3Error(w, err)
		return
	}
	w.Header().Set("x-amz-server-side-encryption", "aws:kms")
	w.WriteHeader(http.StatusOK)
}

// s3Error is S3's error document.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
}

// writeS3Error answers an upload's refusal with S3's code and status for
// it; an unexpected error is logged by the caller's request line only.
func writeS3Error(w *statusRecorder, err error) {
	e, ok := api.As(err)
	if !ok {
		e = api.Internal(err)
	}
	status, code := http.StatusInternalServerError, "InternalError"
	switch e.Message {
	case api.MsgImportURLSignature:
		status, code = http.StatusForbidden, "SignatureDoesNotMatch"
	case api.MsgImportURLExpired, api.MsgImportUploadClosed:
		status, code = http.StatusForbidden, "AccessDenied"
	case api.MsgImportFileTooLarge:
		status, code = http.StatusBadRequest, "EntityTooLarge"
	case api.MsgImportSSEHeader, api.MsgImportUploadFailed:
		status, code = http.StatusBadRequest, "InvalidArgument"
	default:
		if e.Code == api.ErrResourceNotFound {
			status, code = http.StatusNotFound, "NoSuchKey"
		}
	}
	w.errType = code
	b, _ := xml.Marshal(s3Error{Code: code, Message: e.Message, RequestID: w.Header().Get("x-amzn-RequestId")})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(b)
}
