package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// Log delivery configuration: where Cognito would export a pool's
// message-delivery errors (userNotification, to CloudWatch Logs) and its
// threat-protection activity (userAuthEvents, to CloudWatch Logs, S3 or
// Firehose). Cognate checks it as Cognito documents it, stores and returns
// it, and exports nothing (README, stored only): its own logs and metrics
// go to its log output and /metrics. Cognito keeps userAuthEvents to the
// Plus tier (FeatureUnavailableInTierException); Cognate, whose features
// are on in every tier, does not.

// checkLogConfiguration holds one destination to the documented pairs:
// userNotification at ERROR to CloudWatch Logs, userAuthEvents at INFO to
// exactly one of CloudWatch Logs, S3 and Firehose.
func checkLogConfiguration(c *api.LogConfigurationType) error {
	n := 0
	for _, set := range []bool{c.CloudWatchLogsConfiguration != nil, c.S3Configuration != nil, c.FirehoseConfiguration != nil} {
		if set {
			n++
		}
	}
	switch c.EventSource {
	case "userNotification":
		if c.LogLevel != "ERROR" || c.CloudWatchLogsConfiguration == nil || n != 1 {
			return api.Errorf(api.ErrInvalidParameter, api.MsgLogNotificationDestination)
		}
	case "userAuthEvents":
		if c.LogLevel != "INFO" || n != 1 {
			return api.Errorf(api.ErrInvalidParameter, api.MsgLogAuthEventsDestination)
		}
	}
	if w := c.CloudWatchLogsConfiguration; w != nil && w.LogGroupArn == "" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgLogDestinationArn, "CloudWatchLogsConfiguration.LogGroupArn")
	}
	if b := c.S3Configuration; b != nil && b.BucketArn == "" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgLogDestinationArn, "S3Configuration.BucketArn")
	}
	if f := c.FirehoseConfiguration; f != nil && f.StreamArn == "" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgLogDestinationArn, "FirehoseConfiguration.StreamArn")
	}
	return nil
}

// SetLogDeliveryConfiguration answers SetLogDeliveryConfiguration: the
// list given replaces the pool's (an empty one removes it); each event
// source at most once.
func (s *Service) SetLogDeliveryConfiguration(ctx context.Context, in *api.SetLogDeliveryConfigurationInput) (*api.LogDeliveryConfigurationOutput, error) {
	seen := map[string]bool{}
	for i := range in.LogConfigurations {
		c := &in.LogConfigurations[i]
		if seen[c.EventSource] {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLogSourceTwice, c.EventSource)
		}
		seen[c.EventSource] = true
		if err := checkLogConfiguration(c); err != nil {
			return nil, err
		}
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		extrasOf(d).LogDelivery = in.LogConfigurations
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.LogDeliveryConfigurationOutput{LogDeliveryConfiguration: logDeliveryOf(in.UserPoolId, in.LogConfigurations)}, nil
}

// GetLogDeliveryConfiguration answers GetLogDeliveryConfiguration: an
// empty list for a pool never configured.
func (s *Service) GetLogDeliveryConfiguration(ctx context.Context, in *api.GetLogDeliveryConfigurationInput) (*api.LogDeliveryConfigurationOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var list []api.LogConfigurationType
	if p.doc.Extras != nil {
		list = p.doc.Extras.LogDelivery
	}
	return &api.LogDeliveryConfigurationOutput{LogDeliveryConfiguration: logDeliveryOf(in.UserPoolId, list)}, nil
}

func logDeliveryOf(poolID string, list []api.LogConfigurationType) *api.LogDeliveryConfigurationType {
	if list == nil {
		list = []api.LogConfigurationType{}
	}
	return &api.LogDeliveryConfigurationType{UserPoolId: poolID, LogConfigurations: list}
}
