package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestLogDeliveryConfiguration: a pool's log destinations are stored and
// returned as set, replaced by the next Set and removed by an empty list;
// every pairing Cognito documents is accepted and every other refused, as
// are bad ARNs, a source given twice, more than two entries and an unknown
// pool.
func TestLogDeliveryConfiguration(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	get := func() *types.LogDeliveryConfigurationType {
		return must(e.c.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: &poolID}))(t).LogDeliveryConfiguration
	}
	if got := get(); aws.ToString(got.UserPoolId) != poolID || len(got.LogConfigurations) != 0 {
		t.Fatalf("log delivery of a new pool: %+v", got)
	}
	const (
		logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/cognito"
		bucket   = "arn:aws:s3:::cognito-logs"
		stream   = "arn:aws:firehose:us-east-1:123456789012:deliverystream/cognito"
	)
	cw := &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String(logGroup)}
	set := func(list ...types.LogConfigurationType) (*types.LogDeliveryConfigurationType, error) {
		if list == nil {
			list = []types.LogConfigurationType{} // sent as [], not left out
		}
		out, err := e.c.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: &poolID, LogConfigurations: list})
		if err != nil {
			return nil, err
		}
		return out.LogDeliveryConfiguration, nil
	}
	notification := types.LogConfigurationType{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw}
	for _, auth := range []types.LogConfigurationType{
		{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo, S3Configuration: &types.S3ConfigurationType{BucketArn: aws.String(bucket)}},
		{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo, FirehoseConfiguration: &types.FirehoseConfigurationType{StreamArn: aws.String(stream)}},
		{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: cw},
	} {
		out := must(set(notification, auth))(t)
		got := get()
		for _, c := range []*types.LogDeliveryConfigurationType{out, got} {
			if aws.ToString(c.UserPoolId) != poolID || len(c.LogConfigurations) != 2 {
				t.Fatalf("log delivery: %+v", c)
			}
			n, a := c.LogConfigurations[0], c.LogConfigurations[1]
			if n.EventSource != types.EventSourceNameUserNotification || n.LogLevel != types.LogLevelError || aws.ToString(n.CloudWatchLogsConfiguration.LogGroupArn) != logGroup ||
				a.EventSource != types.EventSourceNameUserAuthEvents || a.LogLevel != types.LogLevelInfo {
				t.Fatalf("log configurations: %+v", c.LogConfigurations)
			}
			switch {
			case auth.S3Configuration != nil:
				if a.S3Configuration == nil || aws.ToString(a.S3Configuration.BucketArn) != bucket || a.FirehoseConfiguration != nil {
					t.Fatalf("S3 destination: %+v", a)
				}
			case auth.FirehoseConfiguration != nil:
				if a.FirehoseConfiguration == nil || aws.ToString(a.FirehoseConfiguration.StreamArn) != stream || a.S3Configuration != nil {
					t.Fatalf("Firehose destination: %+v", a)
				}
			default:
				if a.CloudWatchLogsConfiguration == nil || a.S3Configuration != nil || a.FirehoseConfiguration != nil {
					t.Fatalf("CloudWatch destination: %+v", a)
				}
			}
		}
	}
	// A Set replaces; an empty list removes.
	must(set(notification))(t)
	if got := get(); len(got.LogConfigurations) != 1 {
		t.Fatalf("after a Set of one: %+v", got.LogConfigurations)
	}
	must(set())(t)
	if got := get(); len(got.LogConfigurations) != 0 {
		t.Fatalf("after an empty Set: %+v", got.LogConfigurations)
	}

	must(set(notification))(t)
	for _, c := range []struct {
		what string
		list []types.LogConfigurationType
		msg  string
	}{
		{"notifications at INFO", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: cw}}, "userNotification"},
		{"notifications to S3", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError,
			S3Configuration: &types.S3ConfigurationType{BucketArn: aws.String(bucket)}}}, "userNotification"},
		{"auth events at ERROR", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw}}, "userAuthEvents"},
		{"auth events to two places", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: cw,
			FirehoseConfiguration: &types.FirehoseConfigurationType{StreamArn: aws.String(stream)}}}, "exactly one"},
		{"auth events nowhere", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo}}, "exactly one"},
		{"a source twice", []types.LogConfigurationType{notification, notification}, "more than once"},
		{"three entries", []types.LogConfigurationType{notification, notification, notification}, "Member must have length less than or equal to 2"},
		{"a destination without its ARN", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError,
			CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{}}}, "LogGroupArn is required"},
		{"a bad log group ARN", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError,
			CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("not-an-arn-but-long-enough")}}}, "regular expression pattern"},
		{"a bucket ARN with an account", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserAuthEvents, LogLevel: types.LogLevelInfo,
			S3Configuration: &types.S3ConfigurationType{BucketArn: aws.String("arn:aws:s3:us-east-1:123456789012:bucket")}}}, "regular expression pattern"},
		{"an unknown level", []types.LogConfigurationType{{EventSource: types.EventSourceNameUserNotification, LogLevel: "DEBUG", CloudWatchLogsConfiguration: cw}}, "enum value set"},
		{"an unknown source", []types.LogConfigurationType{{EventSource: "userSignUps", LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: cw}}, "enum value set"},
	} {
		_, err := set(c.list...)
		wantErr(t, err, "InvalidParameterException", c.msg)
	}
	if got := get(); len(got.LogConfigurations) != 1 || got.LogConfigurations[0].EventSource != types.EventSourceNameUserNotification {
		t.Fatalf("a refused Set changed the configuration: %+v", got.LogConfigurations)
	}
	_, err := e.c.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String("us-east-1_nothere1")})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String("us-east-1_nothere1"),
		LogConfigurations: []types.LogConfigurationType{notification}})
	wantErr(t, err, "ResourceNotFoundException", "")
}
