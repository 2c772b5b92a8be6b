package seal

// The labels that bind each sealed secret and each MAC to its owner and
// use: a secret sealed under one label does not open under another, so a
// typo in one place would make a secret silently unreadable. Every caller
// takes its label from here.

// Contexts of Encrypt and Decrypt (secrets at rest in the store).
func LabelSigningKey(poolID string) string         { return "signing-key|" + poolID }
func LabelVerifier(poolID, username string) string { return "verifier|" + poolID + "|" + username }
func LabelTOTP(poolID, username string) string     { return "totp|" + poolID + "|" + username }
func LabelDevice(poolID, deviceKey string) string  { return "device|" + poolID + "|" + deviceKey }
func LabelSAMLEncryptionKey(poolID string) string  { return "saml-encryption-key|" + poolID }

// LabelProviderSecret binds an identity provider's secret (its
// client_secret, Apple's private_key) to the pool, provider and detail.
func LabelProviderSecret(poolID, provider, key string) string {
	return "idp-secret|" + poolID + "|" + provider + "|" + key
}

// Contexts of SealString/SealBytes (state the client carries).
const (
	LabelSession   = "cognate session"    // a sign-in's Session
	LabelSRP       = "cognate srp"        // USER_SRP_AUTH's SECRET_BLOCK
	LabelDeviceSRP = "cognate device srp" // DEVICE_SRP_AUTH's SECRET_BLOCK
	LabelHosted    = "cognate hosted"     // the hosted pages' state, with a purpose after "|"
	LabelFeedback  = "cognate feedback"   // an auth event's FeedbackToken
)

// LabelDeviceCookie binds the hosted pages' remembered-device cookie to
// its pool (sealed by the pages' own sealer).
func LabelDeviceCookie(poolID string) string { return "device|" + poolID }

// First parts of MAC and MACs.
const (
	MACRefreshToken    = "refresh-token"    // a refresh token's lookup hash
	MACCode            = "code"             // a one-time code's hash
	MACPasswordHistory = "password-history" // a former password
	MACPhantomID       = "phantom-id"       // a phantom user's UUID
	MACPhantomSalt     = "phantom-salt"     // a phantom user's SRP salt
	MACPhantomVerifier = "phantom-verifier" // a phantom user's SRP verifier
	MACPhantomCode     = "phantom-code"     // a phantom's code-limit marks
	MACImportURL       = "import-url"       // a user import job's pre-signed URL
)

// InfoPhantomVerifier is the HKDF info that stretches a phantom user's
// verifier MAC into a verifier.
const InfoPhantomVerifier = "cognate phantom verifier"
