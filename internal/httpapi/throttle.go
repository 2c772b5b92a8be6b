package httpapi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

// Cognito meters its API per category of operations, each with a quota of
// requests per second shared by every pool of an account and region; past
// it, it answers TooManyRequestsException "Rate exceeded". Throttle does the
// same, per server, when asked to: applications can then test their
// back-off on a laptop.

// categories maps each operation to its Cognito quota category.
var categories = map[string]string{}

func init() {
	for cat, ops := range map[string]string{
		"UserAuthentication":     "AdminInitiateAuth InitiateAuth",
		"UserCreation":           "AdminConfirmSignUp AdminCreateUser ConfirmSignUp SignUp",
		"UserAccountRecovery":    "AdminResetUserPassword AdminSetUserPassword ChangePassword ConfirmForgotPassword ForgotPassword",
		"UserRead":               "AdminGetUser GetUser GetUserAuthFactors",
		"UserUpdate":             "AdminDeleteUser AdminDeleteUserAttributes AdminDisableUser AdminEnableUser AdminSetUserMFAPreference AdminSetUserSettings AdminUpdateUserAttributes DeleteUser DeleteUserAttributes GetUserAttributeVerificationCode ResendConfirmationCode SetUserMFAPreference SetUserSettings UpdateUserAttributes VerifyUserAttribute",
		"UserToken":              "AdminUserGlobalSignOut GetTokensFromRefreshToken GlobalSignOut RevokeToken",
		"UserResourceRead":       "AdminGetDevice AdminListDevices AdminListGroupsForUser AdminListUserAuthEvents GetDevice ListDevices ListWebAuthnCredentials",
		"UserResourceUpdate":     "AdminAddUserToGroup AdminForgetDevice AdminRemoveUserFromGroup AdminUpdateAuthEventFeedback AdminUpdateDeviceStatus AssociateSoftwareToken CompleteWebAuthnRegistration ConfirmDevice DeleteWebAuthnCredential ForgetDevice StartWebAuthnRegistration UpdateAuthEventFeedback UpdateDeviceStatus VerifySoftwareToken",
		"UserList":               "ListUsers ListUsersInGroup",
		"UserFederation":         "AdminDisableProviderForUser AdminLinkProviderForUser",
		"UserPoolRead":           "DescribeUserPool GetLogDeliveryConfiguration GetSigningCertificate GetUserPoolMfaConfig ListTagsForResource ListUserPools",
		"UserPoolUpdate":         "AddCustomAttributes CreateUserPool DeleteUserPool SetLogDeliveryConfiguration SetUserPoolMfaConfig TagResource UntagResource UpdateUserPool",
		"UserPoolResourceRead":   "DescribeIdentityProvider DescribeManagedLoginBranding DescribeManagedLoginBrandingByClient DescribeResourceServer DescribeRiskConfiguration DescribeTerms DescribeUserImportJob DescribeUserPoolDomain GetCSVHeader GetGroup GetIdentityProviderByIdentifier GetUICustomization ListGroups ListIdentityProviders ListResourceServers ListTerms ListUserImportJobs",
		"UserPoolResourceUpdate": "CreateGroup CreateIdentityProvider CreateManagedLoginBranding CreateResourceServer CreateTerms CreateUserImportJob CreateUserPoolDomain DeleteGroup DeleteIdentityProvider DeleteManagedLoginBranding DeleteResourceServer DeleteTerms DeleteUserPoolDomain SetRiskConfiguration SetUICustomization StartUserImportJob StopUserImportJob UpdateGroup UpdateIdentityProvider UpdateManagedLoginBranding UpdateResourceServer UpdateTerms UpdateUserPoolDomain",
		"UserPoolClientRead":     "DescribeUserPoolClient ListUserPoolClientSecrets ListUserPoolClients",
		"UserPoolClientUpdate":   "AddUserPoolClientSecret CreateUserPoolClient DeleteUserPoolClient DeleteUserPoolClientSecret UpdateUserPoolClient",
		// Cognito meters the answers to challenges apart, at three times
		// the UserAuthentication quota (see challengeCategory).
		challengeCategory: "AdminRespondToAuthChallenge RespondToAuthChallenge",
	} {
		for _, op := range strings.Fields(ops) {
			categories[op] = cat
		}
	}
}

// challengeCategory is the quota of the answers to sign-in challenges.
const challengeCategory = "UserAuthenticationChallenge"

// CognitoQuotas are Cognito's default quotas in requests per second.
var CognitoQuotas = map[string]float64{
	"UserAuthentication":     120,
	"UserCreation":           50,
	"UserAccountRecovery":    30,
	"UserRead":               120,
	"UserUpdate":             25,
	"UserToken":              120,
	"UserResourceRead":       50,
	"UserResourceUpdate":     25,
	"UserList":               30,
	"UserFederation":         25,
	"UserPoolRead":           15,
	"UserPoolUpdate":         15,
	"UserPoolResourceRead":   20,
	"UserPoolResourceUpdate": 15,
	"UserPoolClientRead":     15,
	"UserPoolClientUpdate":   15,
}

// Category returns an operation's quota category ("" for none).
func Category(op string) string { return categories[op] }

// Throttle meters operations per category. Its zero value and nil let
// everything through.
type Throttle struct {
	buckets map[string]*bucket
}

// ParseThrottle reads a throttle setting: "off" (or ""), "cognito" for
// Cognito's default quotas, or a comma-separated list of Category=rate
// (requests per second) that, after "cognito", overrides its quotas:
// "cognito,UserAuthentication=10". The answers to challenges get three
// times the UserAuthentication rate, as in Cognito.
func ParseThrottle(spec string) (*Throttle, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "off" {
		return nil, nil
	}
	rates := map[string]float64{}
	for i, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "cognito" && i == 0 {
			for k, v := range CognitoQuotas {
				rates[k] = v
			}
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if _, known := CognitoQuotas[name]; !ok || !known {
			return nil, fmt.Errorf("throttle %q: want off, cognito, or Category=rate with a category among %s", part, strings.Join(quotaNames(), ", "))
		}
		r, err := strconv.ParseFloat(value, 64)
		if err != nil || r <= 0 {
			return nil, fmt.Errorf("throttle %q: the rate must be a number of requests per second above 0", part)
		}
		rates[name] = r
	}
	t := &Throttle{buckets: map[string]*bucket{}}
	for name, r := range rates {
		t.buckets[name] = newBucket(r)
	}
	if r, ok := rates["UserAuthentication"]; ok {
		t.buckets[challengeCategory] = newBucket(3 * r)
	}
	return t, nil
}

func quotaNames() []string {
	var out []string
	for k := range CognitoQuotas {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Allow takes one request of op from its category's quota, reporting
// whether there was room.
func (t *Throttle) Allow(op string, now time.Time) bool {
	if t == nil {
		return true
	}
	b := t.buckets[categories[op]]
	return b == nil || b.take(now)
}

// bucket is a token bucket holding at most one second of its rate, so a
// burst up to the quota passes and a steady flow is held to it.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64) *bucket { return &bucket{rate: rate, tokens: rate} }

func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func rateExceeded() *api.Error { return api.Errorf(api.ErrTooManyRequests, api.MsgRateExceeded) }
