// Package snstest starts goaws (github.com/Admiral-Piett/goaws, an SNS and
// SQS server in Go) for the tests of the SNS sender: a topic whose
// messages land, raw, in an SQS queue the test reads back. goaws serves
// no Publish to a phone number, so the sender's topic mode is what it
// tests end to end; a Publish to a number meets goaws's TopicNotFound,
// which tests the failure path. goaws is built once per machine from its
// module and kept under the user cache directory, like the Lambda emulator
// of package lambdatest.
package snstest

import (
	"context"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/toolcache"
)

// Module is the goaws command built for the tests.
const Module = "github.com/Admiral-Piett/goaws/app/cmd@v0.4.5"

const (
	account = "100010001000"
	topic   = "cognate-sms"
	queue   = "cognate-sms-queue"
)

// Server is a running goaws.
type Server struct {
	// Endpoint is its SNS (and SQS) API endpoint.
	Endpoint string
	// TopicArn is the topic whose messages Messages reads back.
	TopicArn string
	cmd      *exec.Cmd
	dir      string
}

// Message is one message published to the topic.
type Message struct {
	Body       string
	Attributes map[string]string
}

// Start builds goaws (once per machine) and starts it on a free loopback
// port. Stop ends it. goaws itself binds every interface (its command has
// no listen-address option); the tests only reach it on 127.0.0.1.
func Start(ctx context.Context) (*Server, error) {
	bin, err := toolcache.Install(ctx, Module, "cmd", "goaws")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cognate-snstest-")
	if err != nil {
		return nil, err
	}
	port, err := toolcache.FreePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	conf := fmt.Sprintf(`Local:
  Host: 127.0.0.1
  Port: %d
  Region: us-east-1
  AccountId: "%s"
  LogToFile: false
  Queues:
    - Name: %s
  Topics:
    - Name: %s
      Subscriptions:
        - QueueName: %s
          Raw: true
`, port, account, queue, topic, queue)
	cfg := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), TopicArn: fmt.Sprintf("arn:aws:sns:us-east-1:%s:%s", account, topic), dir: dir}
	s.cmd = exec.Command(bin, "-config", cfg, "Local")
	s.cmd.Dir = dir
	if os.Getenv("COGNATE_TEST_LOG") != "" {
		s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	}
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		s.Stop()
		return nil, fmt.Errorf("starting goaws: %w", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("goaws did not listen on %s within 15 s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends goaws and removes its configuration.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		_ = s.cmd.Wait()
	}
	os.RemoveAll(s.dir)
}

// Messages reads (and removes) the messages the topic delivered so far,
// through the SQS query API of goaws.
func (s *Server) Messages(ctx context.Context) ([]Message, error) {
	queueURL := s.Endpoint + "/" + account + "/" + queue
	var out []Message
	for {
		form := url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {queueURL}, "MaxNumberOfMessages": {"10"},
			"MessageAttributeName.1": {"All"}}
		var r struct {
			Messages []struct {
				Body          string
				ReceiptHandle string
				Attributes    []struct {
					Name  string
					Value struct{ StringValue string }
				} `xml:"MessageAttribute"`
			} `xml:"ReceiveMessageResult>Message"`
		}
		if err := s.call(ctx, form, &r); err != nil {
			return nil, err
		}
		if len(r.Messages) == 0 {
			return out, nil
		}
		for _, m := range r.Messages {
			msg := Message{Body: m.Body, Attributes: map[string]string{}}
			for _, a := range m.Attributes {
				msg.Attributes[a.Name] = a.Value.StringValue
			}
			out = append(out, msg)
			del := url.Values{"Action": {"DeleteMessage"}, "QueueUrl": {queueURL}, "ReceiptHandle": {m.ReceiptHandle}}
			if err := s.call(ctx, del, nil); err != nil {
				return nil, err
			}
		}
	}
}

func (s *Server) call(ctx context.Context, form url.Values, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("goaws %s: HTTP %d", form.Get("Action"), resp.StatusCode)
	}
	if into == nil {
		return nil
	}
	return xml.NewDecoder(resp.Body).Decode(into)
}
