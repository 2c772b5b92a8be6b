package api

// Error messages, named beside the exception codes in errors.go. Clients match
// on these texts, so each is written once, here, and every layer refers to it
// by name; TestMessagesAreNamed fails when a message is written in place
// outside this package. Where Cognito's wording is known the text is Cognito's,
// byte for byte; a few name Cognate's own limits (those ending "by Cognate.").
//
// A message with parameters is a format for Errorf; go vet checks its
// arguments against the constant's verbs.
const (
	// Request and protocol.
	MsgMethodNotSupported     = "Method %s is not supported."
	MsgUnknownOperation       = "Unknown operation %s"
	MsgBodyTooLarge           = "Request body is larger than 1 MiB."
	MsgBodyUnreadable         = "Could not read the request body."
	MsgBodyNotObject          = "Request body is not a valid JSON object."
	MsgBodyTooDeep            = "Request body nests objects and arrays deeper than %d levels."
	MsgUnexpectedValueType    = "Unexpected value type for member '%s': expected %s"
	MsgMissingParameter       = "Missing required parameter %s"
	MsgBodyNotUTF8            = "Request body is not valid UTF-8 JSON."
	MsgRateExceeded           = "Rate exceeded"
	MsgPasswordNull           = "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"
	MsgInvalidPaginationToken = "Invalid pagination token."
	MsgNotFound               = "Not found" // a GET path the server does not serve

	// User pools.
	MsgPoolNotFound                      = "User pool %s does not exist."
	MsgPoolExists                        = "User pool %s already exists."
	MsgAliasAndUsernameAttributes        = "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
	MsgDeletionProtected                 = "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first."
	MsgMFAMethodRequired                 = "At least one MFA method must be enabled when MFA is %s."
	MsgVerifyBeforeUpdateNotAutoVerified = "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"
	MsgAdvancedSecurityNotEnabled        = "Advanced security features are not enabled for user pool %s."
	MsgNoSMSConfiguration                = "User pool does not have SMS configuration to send messages."
	MsgImportWithUsernameAttributes      = "ImportUsers does not serve pools with UsernameAttributes."
	MsgFilterParse                       = "Error while parsing filter."
	MsgInvalidSearchAttribute            = "Invalid search attribute: %s"
	MsgInvalidStatusFilter               = "Invalid value for status filter: must be Enabled or Disabled."

	// App clients and client secrets.
	MsgClientNotFound                  = "User pool client %s does not exist."
	MsgClientExists                    = "User pool client %s already exists."
	MsgClientValueOutOfRange           = "%s must be between %v and %v."
	MsgSecretGeneratedAndGiven         = "GenerateSecret and ClientSecret cannot both be given."
	MsgSecretNotReceived               = "Client %s is configured for secret but secret was not received"
	MsgClientSecretUnverified          = "Unable to verify client secret for client %s"
	MsgSecretHashUnverified            = "Unable to verify secret hash for client %s"
	MsgClientCredentialsNeedSecret     = "client_credentials flow can not be selected if client does not have a client secret."
	MsgClientCredentialsWithOtherFlows = "client_credentials flow can not be selected along with code flow or implicit flow."
	MsgInvalidScope                    = "Invalid scope requested: %s"
	MsgProviderNotFound                = "The provider %s does not exist for User Pool %s."
	MsgWriteUnauthorizedAttribute      = "A client attempted to write unauthorized attribute"
	MsgClientHasNoSecret               = "Client %s has no client secret: only a confidential client can be given another."
	MsgClientSecretLimit               = "Client %s already has %d client secrets; delete one before adding another."
	MsgClientSecretExists              = "Client %s already has this client secret."
	MsgClientSecretNotFound            = "Client secret %s does not exist for client %s."
	MsgLastClientSecret                = "The last client secret of client %s cannot be deleted."

	// Auth-event feedback.
	MsgAuthEventNotFound    = "Auth event %s does not exist for the user."
	MsgFeedbackTokenInvalid = "The feedback token is not valid for this event."

	// Log delivery.
	MsgLogNotificationDestination = "userNotification logs are sent at LogLevel ERROR to a CloudWatchLogsConfiguration only."
	MsgLogAuthEventsDestination   = "userAuthEvents logs are sent at LogLevel INFO to exactly one of CloudWatchLogsConfiguration, S3Configuration and FirehoseConfiguration."
	MsgLogDestinationArn          = "%s is required."
	MsgLogSourceTwice             = "EventSource %s is configured more than once."

	// Managed login branding.
	MsgBrandingExists           = "Client %s already has a managed login branding style."
	MsgBrandingNotFound         = "Managed login branding %s does not exist in user pool %s."
	MsgBrandingNoneForClient    = "Client %s has no managed login branding style."
	MsgBrandingDefaultAndValues = "UseCognitoProvidedValues cannot be given with Settings or Assets."
	MsgBrandingSettingsObject   = "Settings must be a JSON object."
	MsgBrandingTooLarge         = "A user pool's branding images may hold %d bytes in all, by Cognate."
	MsgBrandingTooManyAssets    = "A branding style may have 40 assets at most."
	MsgAssetNoBytes             = "The %s %s asset has no Bytes."
	MsgAssetType                = "The %s %s asset is not a %s file."
	MsgAssetTwice               = "The %s %s asset is given more than once."

	// Terms documents.
	MsgTermsNotFound = "Terms %s does not exist in user pool %s."
	MsgTermsExists   = "Terms %s already exist for client %s."
	MsgTermsNoLinks  = "Links must give at least one link."
	MsgTermsLanguage = "Links: %s is not a language of managed login (cognito:default, cognito:english, ...)."
	MsgTermsLink     = "Links: the link for %s must be an absolute http or https URL of at most 1024 characters."

	// Resource servers and domains.
	MsgResourceServerNotFound = "Resource server %s does not exist."
	MsgScopeDefinedTwice      = "Scope %s is defined more than once."
	MsgResourceServerExists   = "%s already exists in user pool %s."
	MsgCustomDomainInvalid    = "The custom domain %s is not a valid host name."
	MsgDomainPattern          = `1 validation error detected: Value '%s' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`
	MsgDomainReservedWord     = "Domain cannot contain reserved word: %s"
	MsgDomainTaken            = "Domain already associated with another user pool."
	MsgPoolHasDomain          = "User pool %s already has a domain configured."
	MsgDomainNotFound         = "No such domain or user pool exists."
	MsgNotCustomDomain        = "%s is not a custom domain: it has no certificate to update."

	// Users, attributes and groups.
	MsgUserNotFound               = "User does not exist."
	MsgUserDisabled               = "User is disabled."
	MsgUserNotConfirmed           = "User is not confirmed."
	MsgUserExists                 = "User already exists"
	MsgUserAccountExists          = "User account already exists"
	MsgAccountWithAttributeExists = "An account with the given %s already exists."
	MsgUsernameClientNotFound     = "Username/client id combination not found."
	MsgUsernameEmailOrPhone       = "Username should be either an email or a phone number."
	MsgUsernameIsEmailAlias       = "Username cannot be of email format, since user pool is configured for email alias."
	MsgSignUpNotPermitted         = "SignUp is not permitted for this user pool"
	MsgCannotConfirm              = "User cannot be confirmed. Current status is %s"
	MsgAlreadyConfirmed           = "User is already confirmed."
	MsgAutoVerificationOff        = "Auto verification not turned on."
	MsgResendNotForced            = "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD"
	MsgNoEmailForDelivery         = "No email provided but desired delivery medium was Email"
	MsgNoPhoneForDelivery         = "No phone_number provided but desired delivery medium was Sms"
	MsgSubNotMutable              = "Attributes did not conform to the schema: sub: The attribute is not mutable"
	MsgAttributeNotInSchema       = "Attributes did not conform to the schema: %s: Attribute does not exist in the schema."
	MsgAttributeRequired          = "Attributes did not conform to the schema: %s: The attribute is required"
	MsgAttributesMissing          = "Invalid attributes given, %s is missing"
	MsgInvalidEmail               = "Invalid email address format."
	MsgInvalidPhone               = "Invalid phone number format."
	MsgInvalidBoolean             = "Invalid value for %s: must be true or false."
	MsgModifyImmutable            = "Cannot modify the non-mutable attribute %s"
	MsgDeleteImmutable            = "Cannot delete the non-mutable attribute %s"
	MsgNothingToVerify            = "The user has no %s to verify."
	MsgGroupNotFound              = "Group %s not found."
	MsgGroupExists                = "A group with the name %s already exists."

	// Passwords and codes.
	MsgPasswordPolicy = "Password did not conform with policy: %s"
	// The reasons MsgPasswordPolicy gives, first failed first.
	MsgPasswordTooShort      = "Password not long enough"
	MsgPasswordTooLong       = "Password is too long"
	MsgPasswordNeedsUpper    = "Password must have uppercase characters"
	MsgPasswordNeedsLower    = "Password must have lowercase characters"
	MsgPasswordNeedsNumber   = "Password must have numeric characters"
	MsgPasswordNeedsSymbol   = "Password must have symbol characters"
	MsgPasswordReused        = "The password has been used previously and cannot be reused."
	MsgAdminOnlyReset        = "Cannot reset password for the user as the user pool only allows administrators to reset passwords."
	MsgNoRecoveryDestination = "Cannot reset password for the user as there is no registered/verified email or phone_number"
	MsgCodeMismatch          = "Invalid verification code provided, please try again."
	MsgCodeExpired           = "Invalid code provided, please request a code again."
	MsgAttemptLimitExceeded  = "Attempt limit exceeded, please try after some time."

	// Sign-in.
	MsgAuthMethodNotSupported     = "Initiate Auth method not supported."
	MsgAuthFlowNotEnabled         = "Auth flow not enabled for this client"
	MsgUserPasswordAuthNotEnabled = "USER_PASSWORD_AUTH flow not enabled for this client"
	MsgUserSRPAuthNotEnabled      = "USER_SRP_AUTH is not enabled for the client."
	MsgAuthFlowNotSupported       = "AuthFlow %s is not supported by Cognate."
	MsgChallengeNotSupported      = "Challenge %s is not supported by Cognate."
	MsgSessionChallengeMismatch   = "The session is for the %s challenge, not %s."
	MsgPasswordAttemptsExceeded   = "Password attempts exceeded"
	MsgPasswordResetRequired      = "Password reset required for the user"
	MsgTemporaryPasswordExpired   = "Temporary password has expired and must be reset by an administrator."
	MsgSRPAInvalid                = "SRP_A is not a valid SRP public value."
	MsgClaimSignatureNotBase64    = "PASSWORD_CLAIM_SIGNATURE is not base64."
	MsgTimestampFormat            = "TIMESTAMP is not in the form 'Mon Jan 2 15:04:05 UTC 2006'."
	MsgTimestampSkew              = "TIMESTAMP is more than 5 minutes away from the server's clock."
	MsgDeviceVerifierRequired     = "DeviceSecretVerifierConfig with PasswordVerifier and Salt is required."
	MsgDeviceVerifierInvalid      = "DeviceSecretVerifierConfig is not a valid SRP verifier and salt."
	MsgDeviceNotFound             = "Device does not exist."
	MsgSignInSessionEnded         = "The sign-in session has ended."

	// MFA.
	MsgNoUsableMFAMethod           = "MFA is required but no MFA method the user can set up is enabled on the pool."
	MsgMFASetupIncomplete          = "MFA set-up is not complete: call AssociateSoftwareToken and VerifySoftwareToken with this session first."
	MsgTokenAndSession             = "Only one of AccessToken and Session may be given."
	MsgTokenOrSession              = "Either AccessToken or Session must be given."
	MsgSoftwareTokenMFANotEnabled  = "Software Token MFA is not enabled for the user pool."
	MsgSoftwareTokenNotSetUp       = "Software token MFA is not set up for the user."
	MsgNoSoftwareTokenAssociated   = "No software token has been associated with the user: call AssociateSoftwareToken first."
	MsgSoftwareTokenEnableMismatch = "Code mismatch and fail enable Software Token MFA"
	MsgSoftwareTokenNotVerified    = "User has not verified software token mfa"
	MsgSoftwareTokenCodeReused     = "Your software token has already been used once."
	MsgInvalidCodeForUser          = "Invalid code received for user"
	MsgNoSMSDelivery               = "User does not have delivery config set to turn on SMS_MFA"
	MsgNoEmailOTPDelivery          = "User does not have delivery config set to turn on EMAIL_OTP"
	MsgNoPasskey                   = "User does not have a registered passkey to turn on WEB_AUTHN MFA"
	MsgPreferredMFADisabled        = "A disabled MFA method cannot be the preferred one."
	MsgMFAOptionSMSOnly            = "MFAOptions can only turn on SMS to phone_number."
	MsgUnknownFirstFactor          = "PREFERRED_CHALLENGE %s is not a first factor of USER_AUTH."
	MsgFirstFactorNotOffered       = "The challenge %s is not one this user can choose."
	MsgNoFirstFactor               = "No sign-in factor the user pool allows is available to this user."
	MsgMFATypeNotOffered           = "The MFA type %s is not one this user can choose."
	MsgCodeDeliveryFailed          = "Unable to deliver the code: the message could not be sent."

	// Tokens.
	MsgAccessTokenExpired     = "Access Token has expired"
	MsgAccessTokenRevoked     = "Access Token has been revoked"
	MsgInvalidRefreshToken    = "Invalid Refresh Token"
	MsgRefreshTokenRevoked    = "Refresh Token has been revoked"
	MsgRefreshTokenExpired    = "Refresh Token has expired"
	MsgRefreshTokenReused     = "Refresh token has already been used."
	MsgRefreshWithRotation    = "REFRESH_TOKEN_AUTH is not supported for an app client with refresh token rotation enabled; use GetTokensFromRefreshToken."
	MsgOnlyRefreshRevocable   = "Only refresh tokens can be revoked."
	MsgTokenNotIssuedToClient = "The token was not issued to client %s."
	MsgRevocationNotEnabled   = "Token revocation is not enabled for client %s."

	// Errors built in this package.
	MsgIncorrectCredentials = "Incorrect username or password."
	MsgInvalidSession       = "Invalid session for the user."
	MsgInvalidAccessToken   = "Invalid Access Token"
	MsgInternal             = "Internal error."
	MsgTimestampNotNumber   = "Timestamp must be a number of seconds since the epoch"

	// The console's own refusals (Cognate's words, shown on its pages).
	MsgConsoleConfirmDeletion = "Tick the box to confirm the deletion."
	MsgConsoleUnknownAction   = "Unknown action."

	// Provisioning operations (tags, custom attributes, UI customization, risk).
	MsgCustomAttributeNameNull = "1 validation error detected: Value null at 'customAttributes.member.name' failed to satisfy constraint: Member must not be null"
	MsgAttributeExists         = "Existing attribute already has name %s."
	MsgRequiredCustomAttribute = "Required custom attributes are not supported currently."
	MsgTooManyCustomAttributes = "A user pool can have at most %d custom attributes."
	MsgInvalidIPRange          = "Invalid IP range: %s. Ranges are in CIDR notation."
	MsgTakeoverNoAction        = "Account takeover actions must name at least one of LowAction, MediumAction and HighAction."
	MsgThreatProtectionOff     = "Threat protection (AdvancedSecurityMode) is not enabled for user pool %s."
	MsgNotPoolARN              = "Invalid ARN: %s is not a user pool ARN."
	MsgTagKeyLength            = "1 validation error detected: Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
	MsgTagValueLength          = "1 validation error detected: Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]"
	MsgTagKeyReserved          = "Tag keys starting with 'aws:' are reserved for AWS use."
	MsgTooManyTags             = "A user pool can have at most %d tags."
	MsgLogoTooLarge            = "Logo image size exceeds the maximum of %d bytes."
	MsgLogoFormat              = "The image must be a PNG or JPEG file."
	// Lambda triggers (package triggers), in Cognito's wording.
	MsgLambdaFailed       = "%s failed with error %s."
	MsgLambdaUnrecognized = "Unrecognizable lambda output"
	MsgLambdaInvocation   = "%s invocation failed due to error %s."
	MsgLambdaTimeout      = "Socket timeout while invoking Lambda function"
	MsgLambdaUnreachable  = "Unable to reach the Lambda endpoint"
	MsgCustomAuthNoLambda = "Custom auth lambda trigger is not configured for the user pool."
	// Cognate's: Cognito's limit on a custom challenge's parameters is not
	// documented; Cognate's Session carries them and must stay within the
	// 2048 characters RespondToAuthChallenge accepts.
	MsgCustomChallengeTooLarge = "CreateAuthChallenge's privateChallengeParameters and challengeMetadata are too large to carry in the session."
)

// CustomMessage and UserMigration triggers: a custom message outside
// Cognito's constraints for message templates is refused in the wording of
// Cognito's validation errors.
const (
	MsgCustomEmailPattern = `1 validation error detected: Value '%s' at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`
	MsgCustomEmailLength  = "1 validation error detected: Value at 'emailBody' failed to satisfy constraint: Member must have length less than or equal to 20000"
	MsgCustomSMSLength    = "1 validation error detected: Value at 'smsMessage' failed to satisfy constraint: Member must have length less than or equal to 140"
	MsgCustomSubject      = "1 validation error detected: Value at 'emailSubject' failed to satisfy constraint: Member must have length less than or equal to 140"
	// Identity providers (federation).
	MsgProviderExists         = "A provider with the name %s already exists in this user pool."
	MsgProviderIdentifierUsed = "The identifier %s is already used by another provider in this user pool."
	MsgProviderIdentifierBad  = "IdpIdentifier %s is not valid: up to 40 letters, digits, spaces and +=.@-_ characters."
	MsgProviderNoIdentifier   = "No identity provider in user pool %s has the identifier %s."
	MsgProviderDetailMissing  = "ProviderDetails: %s is required for provider type %s."
	MsgProviderDetailUnknown  = "ProviderDetails: %s is not a detail of provider type %s."
	MsgProviderDetailBool     = "ProviderDetails: %s must be true or false."
	MsgProviderRequestMethod  = "ProviderDetails: attributes_request_method must be GET or POST."
	MsgProviderSigningAlg     = "ProviderDetails: RequestSigningAlgorithm must be rsa-sha256."
	MsgProviderNeedsOpenID    = "ProviderDetails: authorize_scopes must include openid for an OIDC provider."
	MsgProviderURL            = "ProviderDetails: %s must be an https URL (http is accepted for loopback addresses)."
	MsgProviderSocialName     = "A provider of type %s must be named %s."
	MsgProviderReservedName   = "The provider name %s is reserved."
	MsgProviderOneMetadata    = "ProviderDetails: give exactly one of MetadataURL and MetadataFile for a SAML provider."
	MsgProviderMetadataBad    = "The SAML metadata is not valid: %s."
	MsgProviderMetadataFetch  = "Could not retrieve the SAML metadata from MetadataURL."
	MsgProviderAttrUnknown    = "AttributeMapping: %s is not an attribute of the user pool."
	MsgProviderLimit          = "A user pool can have at most %d identity providers."

	// User import jobs: refusals of the operations.
	MsgImportJobNotFound     = "Import job %s does not exist."
	MsgImportJobNotStartable = "The job cannot be started: its status is %s, and only a job in status Created can be started."
	MsgImportJobNotStoppable = "The job cannot be stopped: its status is %s, and only a Pending or InProgress job can be stopped."
	MsgImportNoAutoVerified  = "The user pool has no auto-verified attributes (email or phone_number), so no user can be imported into it."
	// The job's CompletionMessage (at most 128 characters, the model's bound).
	MsgImportSucceeded     = "Import Job Completed Successfully."
	MsgImportStopped       = "The Import Job was stopped by the developer."
	MsgImportAllFailed     = "Too many users have failed or been skipped during the import."
	MsgImportNoFile        = "No CSV file was uploaded to the job's pre-signed URL before it was started."
	MsgImportFileDamaged   = "The uploaded CSV file is incomplete; upload it again with a new job."
	MsgImportInterrupted   = "The import was interrupted: the server running it stopped."
	MsgImportEmptyFile     = "The CSV file is empty: it has no header row."
	MsgImportUnknownColumn = "The CSV header has a column the user pool does not have: %.60s"
	MsgImportMissingColumn = "The CSV header lacks the column %s."
	MsgImportDupColumn     = "The CSV header names the column %.60s twice."
	MsgImportTooManyRows   = "The CSV file has more than %d users."
	MsgImportStoreFailed   = "The import failed: the store did not accept the users."
	// The per-row log (the server log; no user data in it, as in Cognito's).
	MsgImportRowSucceeded     = "The import succeeded."
	MsgImportRowExists        = "The user already exists."
	MsgImportRowNoAutoVerify  = "The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true)."
	MsgImportRowColumns       = "The row has %d values where the header has %d columns."
	MsgImportRowTooLong       = "The row is longer than %d characters."
	MsgImportRowNotUTF8       = "The row is not valid UTF-8."
	MsgImportRowUsername      = "cognito:username is empty, longer than 128 characters, or has a space, tab or control character."
	MsgImportRowMFAValue      = "cognito:mfa_enabled must be true or false."
	MsgImportRowMFARequired   = "cognito:mfa_enabled must be true: the user pool requires MFA."
	MsgImportRowMFAOff        = "cognito:mfa_enabled must be false: the user pool has MFA off."
	MsgImportRowVerifiedEmpty = "%s is true but %s is empty."
	MsgImportRowBirthdate     = "birthdate must be in the format mm/dd/yyyy."
	MsgImportRowUpdatedAt     = "updated_at must be a number of seconds since the epoch."
	// The pre-signed upload URL (S3's words where S3 has them).
	MsgImportURLSignature = "The request signature we calculated does not match the signature you provided."
	MsgImportURLExpired   = "Request has expired"
	MsgImportFileTooLarge = "Your proposed upload exceeds the maximum allowed size"
	MsgImportUploadClosed = "The job has been started: its file can no longer be replaced."
	MsgImportSSEHeader    = "The encryption method specified is not supported"
	MsgImportUploadFailed = "The file could not be stored."
)

// Passkeys (WebAuthn).
const (
	MsgWebAuthnNotEnabled      = "Passkeys are not enabled for this user pool: add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors."
	MsgWebAuthnConfigMissing   = "The user pool has neither a WebAuthnConfiguration RelyingPartyId nor a domain to use as relying party id."
	MsgWebAuthnNoChallenge     = "No passkey registration is in progress for this user, or its challenge has expired or was used: call StartWebAuthnRegistration."
	MsgWebAuthnChallengeWrong  = "The credential does not answer the challenge of the registration in progress."
	MsgWebAuthnClientMismatch  = "The access token is for another app client than the one that started the passkey registration."
	MsgWebAuthnOrigin          = "The credential was created for origin %s, which is not allowed for relying party id %s."
	MsgWebAuthnRPMismatch      = "The credential is not for the user pool's relying party id %s."
	MsgWebAuthnBadCredential   = "The credential is not a valid passkey registration: %s"
	MsgWebAuthnUVRequired      = "The user pool requires user verification, and the authenticator did not verify the user."
	MsgWebAuthnAlreadyExists   = "This passkey is already registered."
	MsgWebAuthnLimit           = "A user can have at most %d passkeys."
	MsgWebAuthnNotFound        = "Passkey credential not found."
	MsgPasskeyNone             = "The user has no passkey."
	MsgPasskeyFailed           = "Passkey authentication failed: %s."
	MsgPasskeyMFANotYet        = "Passkey MFA (WebAuthnMfaSettings: a passkey as the second factor of a USER_AUTH sign-in) is not supported by Cognate yet."
	MsgWebAuthnRPIDInvalid     = "WebAuthnConfiguration.RelyingPartyId must be a domain name."
	MsgProviderNotForClient    = "The identity provider %s is not enabled for this app client."
	MsgProviderTypeNotHosted   = "Sign-in through a provider of type %s is not supported by these pages."
	MsgProviderNoSubject       = "The identity provider's token has no %s claim to name the user by."
	MsgLinkDestinationCognito  = "DestinationUser: ProviderName must be Cognito and ProviderAttributeValue the username of a user of the pool."
	MsgLinkSourceProvider      = "%s is not an identity provider of the user pool."
	MsgLinkSourceAttribute     = "ProviderAttributeName must be Cognito_Subject and ProviderAttributeValue the provider's subject (up to 128 characters)."
	MsgLinkDestinationExternal = "DestinationUser: %s is a federated user; only a user of the pool can be linked to."
	MsgLinkMerging             = "Merging is not currently supported, provide a SourceUser that has not been signed in before"
	MsgLinkExists              = "SourceUser is already linked to a user of the pool."
	MsgLinkLimit               = "A user can have at most %d linked identities."
	MsgUnlinkNotFound          = "No user of provider %s with subject %s exists or is linked in this user pool."
)
