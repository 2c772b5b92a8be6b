package signin

// Challenge names, as Cognito spells them.
const (
	ChallengeTOTP           = "SOFTWARE_TOKEN_MFA"
	ChallengeMFASetup       = "MFA_SETUP"
	ChallengePasswordVerify = "PASSWORD_VERIFIER"
	ChallengeNewPassword    = "NEW_PASSWORD_REQUIRED"
	ChallengeDeviceSRP      = "DEVICE_SRP_AUTH"
	ChallengeDevicePassword = "DEVICE_PASSWORD_VERIFIER"
	ChallengeCustom         = "CUSTOM_CHALLENGE"
	ChallengeSMSMFA         = "SMS_MFA"
	ChallengeEmailOTP       = "EMAIL_OTP"
	ChallengeSelectMFA      = "SELECT_MFA_TYPE"
)
