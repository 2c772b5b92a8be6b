// Command cognate runs the Cognate server: the Amazon Cognito User Pools API
// on your own machine.
//
//	cognate serve [--listen 127.0.0.1:9229] [--data-dir ./cognate-data] ...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/httpapi"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		return
	}
	switch os.Args[1] {
	case "serve":
		if err := serve(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "cognate:", err)
			os.Exit(1)
		}
	case "rotate-master-key":
		if err := rotate(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "cognate:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "cognate: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `Usage: cognate <command> [flags]

Commands:
  serve              run the server (cognate serve --help for flags)
  rotate-master-key  re-encrypt every secret under a new master key while
                     servers keep serving (cognate rotate-master-key --help)
`)
}

func env(name, dflt string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return dflt
}

// envInt and envDuration read a flag's default from the environment; a
// value that does not parse becomes -1, which serve refuses.
func envInt(name string, dflt int) int {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		return -1
	}
	return dflt
}

func envDuration(name string, dflt time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		return -1
	}
	return dflt
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	listen := fs.String("listen", env("COGNATE_LISTEN", "127.0.0.1:9229"), "address to listen on (COGNATE_LISTEN)")
	dataDir := fs.String("data-dir", env("COGNATE_DATA_DIR", "./cognate-data"), "directory for the database and keys (COGNATE_DATA_DIR)")
	// No default from the environment here: --help would print the URL and its password.
	database := fs.String("database", "", "PostgreSQL URL (postgres://...) to keep state in, shared by several nodes; default SQLite in the data dir (COGNATE_DATABASE_URL)")
	region := fs.String("region", env("COGNATE_REGION", "us-east-1"), "region of new pool ids (COGNATE_REGION)")
	publicURL := fs.String("public-url", env("COGNATE_PUBLIC_URL", ""), "base URL clients reach the server at; default http://<listen> (COGNATE_PUBLIC_URL)")
	config := fs.String("config", env("COGNATE_CONFIG", ""), "YAML or JSON file declaring pools and clients to create at start (COGNATE_CONFIG)")
	keyFile := fs.String("master-key-file", env("COGNATE_MASTER_KEY_FILE", ""), "file holding the master key (base64); default <data-dir>/master.key (COGNATE_MASTER_KEY_FILE; or COGNATE_MASTER_KEY with the key itself)")
	awsIssuer := fs.Bool("aws-issuer", env("COGNATE_AWS_ISSUER", "") == "true", "issue tokens with Cognito's iss https://cognito-idp.<region>.amazonaws.com/<pool> (COGNATE_AWS_ISSUER=true)")
	smtpURL := fs.String("smtp-url", env("COGNATE_SMTP_URL", ""), "send codes by email: smtp://user:pass@host:port (STARTTLS) or smtps://...; default: the development outbox (COGNATE_SMTP_URL)")
	smtpFrom := fs.String("smtp-from", env("COGNATE_SMTP_FROM", ""), "sender address when a pool's EmailConfiguration names none (COGNATE_SMTP_FROM)")
	logFormat := fs.String("log-format", env("COGNATE_LOG_FORMAT", "text"), "text or json (COGNATE_LOG_FORMAT)")
	consoleMode := fs.String("console", env("COGNATE_CONSOLE", "loopback"), "who may use the web console at /_cognate/console: loopback (callers on loopback addresses), anywhere, or off (COGNATE_CONSOLE)")
	throttle := fs.String("throttle", env("COGNATE_THROTTLE", "off"), "per-category request quotas answered with TooManyRequestsException: off, cognito (Cognito's default quotas), or cognito,Category=rps,... (COGNATE_THROTTLE)")
	maxInFlight := fs.Int("max-in-flight", envInt("COGNATE_MAX_IN_FLIGHT", 0), "most API requests served at once (the server lowers this while requests are slow to serve); past them a short queue, then TooManyRequestsException; 0 = 4 per CPU, at least 16 (COGNATE_MAX_IN_FLIGHT)")
	queueWait := fs.Duration("queue-wait", envDuration("COGNATE_QUEUE_WAIT", httpapi.DefaultAdmission().MaxWait), "longest wait for a place among --max-in-flight before a request is refused with TooManyRequestsException (COGNATE_QUEUE_WAIT)")
	queueDelay := fs.Duration("queue-delay", envDuration("COGNATE_QUEUE_DELAY", httpapi.DefaultAdmission().MaxDelay), "once --max-in-flight requests are in the server, a new one waits for a place only if its expected wait is at most this, else it is refused at once with TooManyRequestsException (COGNATE_QUEUE_DELAY)")
	metricsOn := fs.Bool("metrics", env("COGNATE_METRICS", "true") != "false", "serve Prometheus metrics at /metrics on the listen address (COGNATE_METRICS=false to turn off)")
	smsSender := fs.String("sms", env("COGNATE_SMS", app.SMSOutbox), "how text messages go: outbox (the development outbox) or sns (Amazon SNS Publish; see --sns-endpoint) (COGNATE_SMS)")
	snsEndpoint := fs.String("sns-endpoint", env("COGNATE_SNS_ENDPOINT", ""), "SNS API endpoint for --sms=sns, e.g. an SNS-compatible gateway; default: real Amazon SNS with the standard AWS credential chain (COGNATE_SNS_ENDPOINT)")
	snsTopic := fs.String("sns-topic-arn", env("COGNATE_SNS_TOPIC_ARN", ""), "with --sms=sns, publish each text message to this topic, the number in the message attribute phone_number, instead of to the phone number (COGNATE_SNS_TOPIC_ARN)")
	lambdaEndpoint := fs.String("lambda-endpoint", env("COGNATE_LAMBDA_ENDPOINT", ""), "Lambda Invoke API endpoint the pools' triggers are called at, e.g. SAM local's http://127.0.0.1:3001; default: real AWS Lambda with the standard AWS credential chain (COGNATE_LAMBDA_ENDPOINT)")
	lambdaTimeout := fs.Duration("lambda-timeout", envDuration("COGNATE_LAMBDA_TIMEOUT", 5*time.Second), "how long one trigger attempt may take; an unreachable function is tried 3 times, as Cognito does (COGNATE_LAMBDA_TIMEOUT)")
	debugListen := fs.String("debug-listen", env("COGNATE_DEBUG_LISTEN", ""), "serve Go's profiler (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060; off by default (COGNATE_DEBUG_LISTEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(os.Stderr, nil)
	}
	log := slog.New(handler)

	if *database == "" {
		*database = os.Getenv("COGNATE_DATABASE_URL")
	}
	quotas, err := httpapi.ParseThrottle(*throttle)
	if err != nil {
		return fmt.Errorf("--throttle: %w", err)
	}
	if *lambdaTimeout <= 0 {
		return errors.New("--lambda-timeout must be above 0")
	}
	if *smsSender != app.SMSOutbox && *smsSender != app.SMSSNS {
		return fmt.Errorf("--sms must be %s or %s, not %q", app.SMSOutbox, app.SMSSNS, *smsSender)
	}
	if *smsSender != app.SMSSNS && (*snsEndpoint != "" || *snsTopic != "") {
		return errors.New("--sns-endpoint and --sns-topic-arn need --sms=sns")
	}
	if *maxInFlight < 0 || *queueWait <= 0 || *queueDelay <= 0 {
		return errors.New("--max-in-flight must be 0 or more, and --queue-wait and --queue-delay above 0")
	}
	opts := app.Options{Throttle: quotas, Admission: httpapi.Admission{MaxInFlight: *maxInFlight, MaxWait: *queueWait, MaxDelay: *queueDelay},
		DataDir: *dataDir, DatabaseURL: *database, Region: *region, PublicURL: *publicURL, ConfigFile: *config, AWSIssuer: *awsIssuer,
		SMTPURL: *smtpURL, SMTPFrom: *smtpFrom, Console: *consoleMode, NoMetrics: !*metricsOn,
		LambdaEndpoint: *lambdaEndpoint, LambdaTimeout: *lambdaTimeout, SMS: *smsSender, SNSEndpoint: *snsEndpoint, SNSTopicArn: *snsTopic,
		AccessKeyID: os.Getenv("COGNATE_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("COGNATE_SECRET_ACCESS_KEY"), Logger: log}
	if k := os.Getenv("COGNATE_MASTER_KEY"); k != "" {
		key, err := app.ParseKey(k)
		if err != nil {
			return fmt.Errorf("COGNATE_MASTER_KEY: %w", err)
		}
		opts.MasterKey = key
	} else {
		opts.MasterKeyFile = *keyFile
	}
	if *debugListen != "" {
		if err := serveProfiler(*debugListen, log); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	a, err := app.New(context.Background(), opts, "http://"+l.Addr().String())
	if err != nil {
		l.Close()
		return err
	}
	if a.CredentialsGenerated {
		fmt.Fprintf(os.Stderr, "Generated admin credentials (kept in %s/admin-credentials.json):\n", *dataDir)
		fmt.Fprintf(os.Stderr, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\n", a.AccessKeyID, a.SecretKey)
	}
	log.Info("cognate listening", "addr", l.Addr().String(), "data_dir", *dataDir, "region", *region)
	if *consoleMode != app.ConsoleOff {
		log.Info("console", "url", "http://"+l.Addr().String()+"/_cognate/console/", "access", *consoleMode)
	}

	// Catch the signals before serving: a SIGTERM that arrives once the
	// server answers must drain, not kill.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- a.Serve(l) }()
	select {
	case err := <-done:
		return err
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return a.Shutdown(ctx)
	}
}

// serveProfiler serves net/http/pprof on its own listener, never on the
// API's: profiles are for the operator measuring the server, and a loopback
// address keeps them from anyone else.
func serveProfiler(addr string, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--debug-listen: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--debug-listen %s: the profiler listens on loopback addresses only", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--debug-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	log.Info("profiler listening", "addr", l.Addr().String())
	return nil
}

func rotate(args []string) error {
	fs := flag.NewFlagSet("rotate-master-key", flag.ContinueOnError)
	dataDir := fs.String("data-dir", env("COGNATE_DATA_DIR", "./cognate-data"), "the servers' data directory (COGNATE_DATA_DIR)")
	database := fs.String("database", "", "the servers' PostgreSQL URL, if they use one (or COGNATE_DATABASE_URL)")
	keyFile := fs.String("master-key-file", env("COGNATE_MASTER_KEY_FILE", ""), "the servers' key file; default <data-dir>/master.key (COGNATE_MASTER_KEY_FILE)")
	wait := fs.Duration("wait", 5*time.Second, "time for running servers to load the new key file (they check every 2 s)")
	retire := fs.Bool("retire", false, "drop the old keys afterwards (refresh tokens and codes issued before then stop working)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *database == "" {
		*database = os.Getenv("COGNATE_DATABASE_URL") // not a flag default: --help would print it
	}
	o := app.Options{DataDir: *dataDir, DatabaseURL: *database, MasterKeyFile: *keyFile, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	return app.RotateMasterKey(context.Background(), o, app.RotateOptions{Wait: *wait, Retire: *retire, Out: os.Stdout})
}
