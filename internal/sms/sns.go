// Package sms sends Cognate's text messages (verification codes, MFA
// codes, invitations by SMS) through Amazon SNS's Publish API, or any
// SNS-compatible gateway at a configured endpoint. Messages by other
// mediums go on to the next Delivery (the outbox or SMTP).
package sms

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/cognate-idp/cognate/internal/idp"
)

// Config configures the SNS sender.
type Config struct {
	// Endpoint is an SNS API endpoint (an SNS-compatible server); empty:
	// real Amazon SNS in Region, with the standard AWS credential chain.
	Endpoint string
	Region   string
	// TopicArn, when set, makes each text message a Publish to that topic
	// (the number in the message attribute PhoneNumberAttribute) instead
	// of a Publish to the phone number: for gateways that take messages
	// from a topic, and SNS servers without SMS.
	TopicArn string
	// HTTPClient, when set, carries the calls (tests).
	HTTPClient *http.Client
}

// PhoneNumberAttribute is the message attribute that carries the
// destination of a Publish to Config.TopicArn.
const PhoneNumberAttribute = "phone_number"

// publishTimeout bounds one Publish: a sign-in waits for it.
const publishTimeout = 10 * time.Second

// SNS is an idp.Delivery that publishes SMS messages through SNS.
type SNS struct {
	client *sns.Client
	topic  string
	next   idp.Delivery
}

// New returns the SNS sender; messages that are not text messages go to
// next.
func New(ctx context.Context, c Config, next idp.Delivery) (*SNS, error) {
	if next == nil {
		return nil, errors.New("sms: no delivery for the other mediums")
	}
	// One attempt: a Publish retried after a lost answer could send the
	// code twice; the caller reports the failure and the user asks again.
	opts := []func(*config.LoadOptions) error{config.WithRegion(c.Region), config.WithRetryMaxAttempts(1)}
	if c.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(c.HTTPClient))
	}
	if c.Endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		// Local SNS servers check no signature; do not send the credential
		// chain hunting (instance metadata) for one.
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("cognate", "cognate", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	client := sns.NewFromConfig(cfg, func(o *sns.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
	})
	return &SNS{client: client, topic: c.TopicArn, next: next}, nil
}

// Deliver publishes a text message through SNS and hands any other
// message to the next Delivery. The message is marked Transactional, as
// codes are.
func (s *SNS) Deliver(ctx context.Context, m idp.Message) error {
	if m.Medium != "SMS" {
		return s.next.Deliver(ctx, m)
	}
	if m.Destination == "" {
		return errors.New("sms: no phone number to send to")
	}
	in := &sns.PublishInput{Message: aws.String(m.Body), MessageAttributes: map[string]types.MessageAttributeValue{
		"AWS.SNS.SMS.SMSType": {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
	}}
	if s.topic != "" {
		in.TopicArn = aws.String(s.topic)
		in.MessageAttributes[PhoneNumberAttribute] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Destination)}
	} else {
		in.PhoneNumber = aws.String(m.Destination)
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	_, err := s.client.Publish(ctx, in)
	return err
}
