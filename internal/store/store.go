// Package store defines what Cognate keeps and the one interface every
// storage backend implements. Backends store and answer, atomically; they
// never decide policy. Secrets arrive here already encrypted by the domain.
//
// The conformance suite in store/storetest is run against every backend.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors every backend returns for the same conditions.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
)

// Pool is a user pool. Settings is the pool's configuration document, owned
// and encoded by the domain; the store keeps it as opaque bytes.
type Pool struct {
	ID         string
	Name       string
	Created    time.Time
	Updated    time.Time
	Settings   []byte
	SigningKey []byte // encrypted private key
}

// Client is an app client of a pool.
type Client struct {
	ID       string
	PoolID   string
	Name     string
	Created  time.Time
	Updated  time.Time
	Settings []byte // domain-encoded configuration, secret encrypted inside
}

// Code is a one-shot code sent to the user (sign-up, password reset, ...).
type Code struct {
	Hash    []byte
	Expires time.Time
}

// CodeLimit counts, for one purpose of a user's codes, the wrong codes
// offered and the codes sent, each in a window that starts at its first
// event. The domain sets the limits; the store keeps the counts with the
// user, so every node and every restart sees them.
type CodeLimit struct {
	Failures      int       `json:",omitempty"`
	FailuresSince time.Time `json:",omitempty"`
	Sends         int       `json:",omitempty"`
	SendsSince    time.Time `json:",omitempty"`
}

// User is one user of a pool. Fields that hold secrets (Verifier,
// TOTPSecret, TOTPPending) are encrypted by the domain before they get here.
type User struct {
	PoolID     string
	Username   string
	Sub        string
	Status     string // UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ...
	Enabled    bool
	Created    time.Time
	Updated    time.Time
	Attributes map[string]string

	Salt     []byte
	Verifier []byte
	// PasswordExpires ends a temporary password (FORCE_CHANGE_PASSWORD).
	PasswordExpires time.Time

	TOTPSecret       []byte // the verified authenticator
	TOTPPending      []byte // associated, not yet verified
	TOTPLastStep     int64  // last TOTP time step accepted (replay guard)
	TOTPFriendlyName string
	TOTPEnabled      bool   // SoftwareTokenMfaSettings.Enabled
	PreferredMFA     string // "" or SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP
	// SMSMFAEnabled and EmailMFAEnabled are SMSMfaSettings.Enabled and
	// EmailMfaSettings.Enabled: codes by text message or email as MFA.
	SMSMFAEnabled   bool `json:",omitempty"`
	EmailMFAEnabled bool `json:",omitempty"`
	// WebAuthnMFAEnabled is WebAuthnMfaSettings.Enabled: the user's
	// passkey sign-ins must verify the user.
	WebAuthnMFAEnabled bool `json:",omitempty"`

	Codes map[string]Code // by purpose
	// CodeLimits are the guessing and sending counts, by code purpose.
	CodeLimits map[string]CodeLimit `json:",omitempty"`

	DeviceGroupKey string // shared by the user's devices
	// DeviceTickets are the device sign-ins whose password step passed and
	// whose DEVICE_SRP_AUTH may still come without a Session: one-shot,
	// expiring, few, owned and bounded by the domain.
	DeviceTickets []DeviceTicket `json:",omitempty"`

	Groups []string // names of the pool groups the user belongs to

	FailedAttempts int
	LastFailure    time.Time
	LockedUntil    time.Time

	// AuthEvents is the user's recent sign-in history (AdminListUserAuthEvents),
	// encoded and bounded by the domain; the store keeps it as opaque bytes.
	AuthEvents []byte `json:",omitempty"`

	// PasswordHistory holds keyed hashes (never the passwords) of the user's
	// recent passwords, newest first, bounded by the domain.
	PasswordHistory [][]byte `json:",omitempty"`
	// PendingAttributes are new email or phone values that wait for
	// verification before they replace the current ones.
	PendingAttributes map[string]string `json:",omitempty"`

	// WebAuthnCredentials are the user's passkeys, oldest first, bounded
	// by the domain (a few hundred bytes each, kept with the user so that
	// no backend needs a table of its own for them).
	WebAuthnCredentials []WebAuthnCredential `json:",omitempty"`
	// WebAuthnPending is the registration a StartWebAuthnRegistration
	// began and no CompleteWebAuthnRegistration has consumed yet.
	WebAuthnPending *WebAuthnPending `json:",omitempty"`
}

// WebAuthnCredential is a passkey of a user: its public key (not secret,
// but bound to this user) and what the authenticator said of itself.
type WebAuthnCredential struct {
	ID             []byte // the credential id
	PublicKey      []byte // COSE key
	RelyingPartyID string
	FriendlyName   string
	Attachment     string   `json:",omitempty"`
	Transports     []string `json:",omitempty"`
	AAGUID         []byte   `json:",omitempty"`
	SignCount      uint32
	UserVerified   bool
	BackupEligible bool
	BackupState    bool
	Created        time.Time
}

// WebAuthnPending is a registration in progress: the challenge handed out
// (one use), for which client, and until when.
type WebAuthnPending struct {
	Session  []byte // the WebAuthn library's session data, JSON
	ClientID string
	Expires  time.Time
}

// DeviceTicket lets one DEVICE_SRP_AUTH continue a sign-in whose password
// step the user passed with that device, through that client, until Expires.
type DeviceTicket struct {
	ID        string
	DeviceKey string
	ClientID  string
	AuthTime  time.Time
	Expires   time.Time
}

// Filter selects users in ListUsers: attribute Attr compared to Value, either
// exactly (Prefix false) or by prefix. Attr is one of the indexed names:
// username, sub, status (cognito:user_status), enabled, email, phone_number,
// name, given_name, family_name, preferred_username.
type Filter struct {
	Attr   string
	Value  string
	Prefix bool
}

// RefreshToken is a stored refresh token; only its hash is kept.
type RefreshToken struct {
	Hash      []byte
	PoolID    string
	ClientID  string
	Username  string
	OriginJTI string
	DeviceKey string
	AuthTime  time.Time
	Created   time.Time
	Expires   time.Time
	Revoked   bool
	// Rotated is when refresh-token rotation replaced this token (zero:
	// never); it stays usable for the client's grace period after that.
	Rotated time.Time
}

// Device is a device a user signed in from (remembered-device tracking).
type Device struct {
	PoolID            string
	Username          string
	Key               string // region_UUID
	Name              string
	Confirmed         bool   // ConfirmDevice gave its verifier
	Remembered        bool   // dev:device_remembered_status
	Salt              []byte // device SRP salt
	Verifier          []byte // device SRP verifier, encrypted
	LastIP            string
	Created           time.Time
	Updated           time.Time
	LastAuthenticated time.Time
}

// ImportJob is a user import job of a pool. Doc is the job as the domain
// encodes it (name, status, counts, dates); the store keeps it as opaque
// bytes and orders a pool's jobs by Created, newest first.
type ImportJob struct {
	PoolID  string
	ID      string
	Created time.Time
	Doc     []byte
}

// Store is what a backend implements. List methods return items after the
// key `after` (exclusive) in key order, at most limit of them.
type Store interface {
	CreatePool(ctx context.Context, p *Pool) error
	GetPool(ctx context.Context, id string) (*Pool, error)
	ListPools(ctx context.Context, after string, limit int) ([]*Pool, error)
	UpdatePool(ctx context.Context, id string, fn func(*Pool) error) (*Pool, error)
	// DeletePool removes the pool and everything in it.
	DeletePool(ctx context.Context, id string) error

	CreateClient(ctx context.Context, c *Client) error
	GetClient(ctx context.Context, id string) (*Client, error)
	ListClients(ctx context.Context, poolID, after string, limit int) ([]*Client, error)
	UpdateClient(ctx context.Context, id string, fn func(*Client) error) (*Client, error)
	DeleteClient(ctx context.Context, id string) error

	// CreateUser fails with ErrExists if the pool has that username already.
	CreateUser(ctx context.Context, u *User) error
	// CreateUsers creates many users in one transaction: all of them, or
	// none (ErrExists if any username is taken). It is the bulk path for
	// imports and load tests; a batch of a few thousand is the intended size.
	CreateUsers(ctx context.Context, users []*User) error
	GetUser(ctx context.Context, poolID, username string) (*User, error)
	// FindUsers returns users of the pool matching f, in username order.
	FindUsers(ctx context.Context, poolID string, f *Filter, after string, limit int) ([]*User, error)
	// UpdateUser applies fn to the current user atomically: no other update
	// of that user interleaves. If fn returns an error nothing is written and
	// that error is returned.
	UpdateUser(ctx context.Context, poolID, username string, fn func(*User) error) (*User, error)
	DeleteUser(ctx context.Context, poolID, username string) error
	CountUsers(ctx context.Context, poolID string) (int, error)

	PutRefreshToken(ctx context.Context, t *RefreshToken) error
	GetRefreshToken(ctx context.Context, hash []byte) (*RefreshToken, error)
	RevokeRefreshToken(ctx context.Context, hash []byte) error
	// RotateRefreshToken records that the token was replaced at `at`, unless
	// it already was: it returns the recorded time and whether this call
	// recorded it, so that of concurrent callers exactly one is first.
	RotateRefreshToken(ctx context.Context, hash []byte, at time.Time) (rotated time.Time, first bool, err error)
	RevokeUserRefreshTokens(ctx context.Context, poolID, username string) error
	// OriginRevoked reports whether a refresh token of a sign-in (its
	// origin_jti; rotation gives one sign-in several) was revoked; tokens of
	// unknown origins are not revoked.
	OriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error)

	CreateDevice(ctx context.Context, d *Device) error
	// GetDevice finds a device of the pool by key.
	GetDevice(ctx context.Context, poolID, key string) (*Device, error)
	// ListDevices returns a user's devices in key order.
	ListDevices(ctx context.Context, poolID, username, after string, limit int) ([]*Device, error)
	UpdateDevice(ctx context.Context, poolID, key string, fn func(*Device) error) (*Device, error)
	DeleteDevice(ctx context.Context, poolID, key string) error

	// GetBlob returns a value the domain keeps beside a pool's document,
	// under key, for the few operations that read it (managed login
	// branding and its images): kept apart so that the pool's document,
	// which every request reads, stays small. ErrNotFound when there is
	// none.
	GetBlob(ctx context.Context, poolID, key string) ([]byte, error)
	// UpdateBlob applies fn to the pool's value under key (nil when there
	// is none) atomically, and stores what fn returns; nil removes the
	// value. It fails with ErrNotFound if the pool does not exist, and with
	// fn's error, writing nothing, if fn fails. Values go with their pool.
	UpdateBlob(ctx context.Context, poolID, key string, fn func([]byte) ([]byte, error)) error
	// CreateImportJob fails with ErrExists if the pool has a job of that id.
	CreateImportJob(ctx context.Context, j *ImportJob) error
	GetImportJob(ctx context.Context, poolID, id string) (*ImportJob, error)
	// ListImportJobs returns the pool's jobs newest first (Created, then ID,
	// both descending), those after the job `after` (exclusive; "" starts
	// at the newest), at most limit.
	ListImportJobs(ctx context.Context, poolID, after string, limit int) ([]*ImportJob, error)
	// UpdateImportJob applies fn to the current job atomically, as
	// UpdateUser does for users.
	UpdateImportJob(ctx context.Context, poolID, id string, fn func(*ImportJob) error) (*ImportJob, error)
	// PutImportPart stores part n (from 0) of one upload of a job's file,
	// replacing a part there. Parts are written in their own transactions,
	// so that a large file never sits in memory or in one transaction.
	PutImportPart(ctx context.Context, poolID, jobID, upload string, n int, data []byte) error
	// GetImportPart returns part n of an upload; ErrNotFound past the last.
	GetImportPart(ctx context.Context, poolID, jobID, upload string, n int) ([]byte, error)
	// DeleteImportParts drops every upload of a job's file.
	DeleteImportParts(ctx context.Context, poolID, jobID string) error

	// MarkUsed records a one-time key (a spent session, a used SRP secret
	// block) until expires; it fails with ErrExists if the key was marked.
	MarkUsed(ctx context.Context, key string, expires time.Time) error
	// PurgeExpired drops marks and refresh tokens that expired before now.
	PurgeExpired(ctx context.Context, now time.Time) error

	Ping(ctx context.Context) error
	Close() error
}

// SettingsFeed is implemented by a store that can tell a node when pool or
// app client records changed, so that the node may keep their decoded
// settings in memory between requests.
type SettingsFeed interface {
	// SettingsEpoch returns a number that changes whenever a pool or an app
	// client changed, by any process, since the last call that returned the
	// same number; ok is false while the store cannot promise that (a
	// PostgreSQL node whose listening connection is down), and then nothing
	// may be kept. Changes made through this process's own Store handle
	// need not change the number: the caller sees those itself.
	SettingsEpoch() (epoch uint64, ok bool)
}

// SeenUserUpdater is implemented by stores for which updating a user the
// caller has just read costs less when they are told what it read
// (PostgreSQL: one statement that writes only if the stored user is still
// that, instead of a locked read and a write in a transaction).
type SeenUserUpdater interface {
	// UpdateSeenUser is UpdateUser(ctx, seen.PoolID, seen.Username, fn),
	// with the same guarantees, whatever seen holds: fn is applied to the
	// current user, and runs again if seen was not current. seen itself is
	// not changed.
	UpdateSeenUser(ctx context.Context, seen *User, fn func(*User) error) (*User, error)
}

// Unit is implemented by stores for which writes cost less together than
// apart (PostgreSQL: one commit, one WAL flush and one round trip fewer per
// write, instead of one each).
type Unit interface {
	// InUnit runs fn with a context under which the store's calls share one
	// transaction, begun by the first write. It commits when fn returns,
	// whatever fn returns: every write fn made counts, as it would have
	// without the unit (a failed attempt's count stays written), only
	// acknowledged later. It returns fn's error, or the commit's if the
	// commit failed, in which case none of the writes happened.
	//
	// Inside fn, a write holds its rows locked until fn returns: fn must
	// not wait for anything that may need those rows (another request, a
	// Lambda trigger that calls back), and must not use ctx from another
	// goroutine.
	InUnit(ctx context.Context, fn func(ctx context.Context) error) error
}

// InUnit runs fn in a unit of st (Unit) when st has units, else as it is.
func InUnit(ctx context.Context, st Store, fn func(ctx context.Context) error) error {
	if u, ok := st.(Unit); ok {
		return u.InUnit(ctx, fn)
	}
	return fn(ctx)
}
