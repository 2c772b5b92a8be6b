package cognatetest

import (
	"errors"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// ClosedConnRetryer is an SDK retryer for tests: it retries a call only
// when the client's own connection was closed under it while reading the
// answer (net.ErrClosed, "use of closed network connection": a race in the
// HTTP client's connection reuse, aws-sdk-go-v2 #1825 and #2737, seen a few
// times a day on this machine under load), at once, up to three attempts.
// Every error the server answers is still seen on the first attempt.
func ClosedConnRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if errors.Is(err, net.ErrClosed) {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}
