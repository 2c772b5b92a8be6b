package api

// User import jobs: GetCSVHeader and the five job operations.

// GetCSVHeaderInput is GetCSVHeader's request.
type GetCSVHeaderInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
}

// GetCSVHeaderOutput is its answer.
type GetCSVHeaderOutput struct {
	UserPoolId string
	CSVHeader  []string
}

// CreateUserImportJobInput is CreateUserImportJob's request.
type CreateUserImportJobInput struct {
	JobName               string `v:"req,len=1:128,pat=poolname"`
	UserPoolId            string `v:"req,len=1:55,pat=poolid"`
	CloudWatchLogsRoleArn string `v:"req,len=20:2048,pat=arn"`
}

// UserImportJobInput names one job.
type UserImportJobInput struct {
	UserPoolId string `v:"req,len=1:55,pat=poolid"`
	JobId      string `v:"req,len=1:55,pat=importjob"`
}

// StartUserImportJobInput is StartUserImportJob's request.
type StartUserImportJobInput struct{ UserImportJobInput }

// StopUserImportJobInput is StopUserImportJob's request.
type StopUserImportJobInput struct{ UserImportJobInput }

// DescribeUserImportJobInput is DescribeUserImportJob's request.
type DescribeUserImportJobInput struct{ UserImportJobInput }

// UserImportJobType is a user import job as every operation returns it.
type UserImportJobType struct {
	JobName               string
	JobId                 string
	UserPoolId            string
	PreSignedUrl          string `json:",omitempty"`
	CreationDate          Time
	StartDate             *Time `json:",omitempty"`
	CompletionDate        *Time `json:",omitempty"`
	Status                string
	CloudWatchLogsRoleArn string
	ImportedUsers         int64
	SkippedUsers          int64
	FailedUsers           int64
	CompletionMessage     string `json:",omitempty"`
}

// UserImportJobOutput wraps one job.
type UserImportJobOutput struct {
	UserImportJob *UserImportJobType
}

// ListUserImportJobsInput is ListUserImportJobs' request.
type ListUserImportJobsInput struct {
	UserPoolId      string `v:"req,len=1:55,pat=poolid"`
	MaxResults      *int32 `v:"req,range=1:60"`
	PaginationToken string `json:",omitempty" v:"len=1:131072,pat=nospace"`
}

// ListUserImportJobsOutput is its answer.
type ListUserImportJobsOutput struct {
	UserImportJobs  []UserImportJobType `json:",omitempty"`
	PaginationToken string              `json:",omitempty"`
}
