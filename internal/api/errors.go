// Package api holds the shapes of the Cognito User Pools API as they travel on
// the wire (members named as in Cognito's model), their validation rules, and
// the one error type every layer returns.
//
// The shapes carry JSON tags because their names are Cognito's model names:
// keeping one set of types for the wire and the domain avoids a second copy of
// a hundred structs that would only rename fields. The domain package (idp)
// decides policy; this package holds data and field bounds only.
package api

import (
	"errors"
	"fmt"
)

// Error is a Cognito exception: its name is what clients see as __type.
type Error struct {
	Code    string // e.g. NotAuthorizedException
	Message string
	Status  int // HTTP status; 0 means 400

	cause error // for logs only
}

// Unwrap returns the underlying cause of an internal error.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus is the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return 400
	}
	return e.Status
}

// Errorf builds an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As reports whether err is an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// Exception names used across the server.
const (
	ErrNotAuthorized               = "NotAuthorizedException"
	ErrInvalidParameter            = "InvalidParameterException"
	ErrInvalidPassword             = "InvalidPasswordException"
	ErrCodeMismatch                = "CodeMismatchException"
	ErrExpiredCode                 = "ExpiredCodeException"
	ErrUserNotFound                = "UserNotFoundException"
	ErrUserNotConfirmed            = "UserNotConfirmedException"
	ErrUsernameExists              = "UsernameExistsException"
	ErrResourceNotFound            = "ResourceNotFoundException"
	ErrEnableSoftwareTokenMFA      = "EnableSoftwareTokenMFAException"
	ErrSoftwareTokenMFANotFound    = "SoftwareTokenMFANotFoundException"
	ErrInternal                    = "InternalErrorException"
	ErrUnknownOperation            = "UnknownOperationException"
	ErrSerialization               = "SerializationException"
	ErrLimitExceeded               = "LimitExceededException"
	ErrTooManyRequests             = "TooManyRequestsException"
	ErrInvalidUserPoolConfig       = "InvalidUserPoolConfigurationException"
	ErrAliasExists                 = "AliasExistsException"
	ErrPasswordResetRequired       = "PasswordResetRequiredException"
	ErrTooManyFailedAttempts       = "TooManyFailedAttemptsException"
	ErrUnsupportedTokenType        = "UnsupportedTokenTypeException"
	ErrUnauthorized                = "UnauthorizedException"
	ErrInvalidLambdaResponse       = "InvalidLambdaResponseException"
	ErrUserLambdaValidation        = "UserLambdaValidationException"
	ErrUnexpectedLambda            = "UnexpectedLambdaException"
	ErrDuplicateProvider           = "DuplicateProviderException"
	ErrUnsupportedIdentityProvider = "UnsupportedIdentityProviderException"
	ErrConcurrentModification      = "ConcurrentModificationException"
	ErrUnsupportedOperation        = "UnsupportedOperationException"
	ErrUserPoolAddOnNotEnabled     = "UserPoolAddOnNotEnabledException"
	ErrForbidden                   = "ForbiddenException"
	ErrInvalidEmailRoleAccess      = "InvalidEmailRoleAccessPolicyException"
	ErrUnsupportedUserState        = "UnsupportedUserStateException"
	ErrMFAMethodNotFound           = "MFAMethodNotFoundException"
	ErrCodeDeliveryFailure         = "CodeDeliveryFailureException"
	ErrGroupExists                 = "GroupExistsException"
	ErrInvalidSmsRoleAccessPolicy  = "InvalidSmsRoleAccessPolicyException"
	ErrRefreshTokenReuse           = "RefreshTokenReuseException"
	ErrPasswordHistoryViolation    = "PasswordHistoryPolicyViolationException"
	ErrTermsExists                 = "TermsExistsException"
	ErrManagedLoginBrandingExists  = "ManagedLoginBrandingExistsException"
	ErrWebAuthnNotEnabled          = "WebAuthnNotEnabledException"
	ErrWebAuthnConfigMissing       = "WebAuthnConfigurationMissingException"
	ErrWebAuthnChallengeNotFound   = "WebAuthnChallengeNotFoundException"
	ErrWebAuthnClientMismatch      = "WebAuthnClientMismatchException"
	ErrWebAuthnOriginNotAllowed    = "WebAuthnOriginNotAllowedException"
	ErrWebAuthnRPMismatch          = "WebAuthnRelyingPartyMismatchException"
	ErrWebAuthnNotSupported        = "WebAuthnCredentialNotSupportedException"
)

// Common errors with Cognito's own wording (messages.go).
var (
	ErrBadCredentials = &Error{Code: ErrNotAuthorized, Message: MsgIncorrectCredentials}
	ErrBadSession     = &Error{Code: ErrNotAuthorized, Message: MsgInvalidSession}
	ErrBadAccessToken = &Error{Code: ErrNotAuthorized, Message: MsgInvalidAccessToken}
)

// Internal wraps an unexpected failure; the cause is logged, never sent.
func Internal(cause error) *Error {
	return &Error{Code: ErrInternal, Message: MsgInternal, Status: 500, cause: cause}
}
