package triggers

// Each trigger's request and response members, as Cognito documents them
// ("Customizing user pool workflows with Lambda triggers"). The trigger
// sources (Event.TriggerSource) are named beside each trigger.

// Trigger sources of PreSignUp.
const (
	SourcePreSignUp          = "PreSignUp_SignUp"
	SourcePreSignUpAdmin     = "PreSignUp_AdminCreateUser"
	SourcePreSignUpFederated = "PreSignUp_ExternalProvider"
)

// PreSignUpRequest is PreSignUp's request.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// PreSignUpResponse is PreSignUp's response.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// Trigger sources of the custom authentication challenge triggers
// (CUSTOM_AUTH).
const (
	SourceDefineAuthChallenge = "DefineAuthChallenge_Authentication"
	SourceCreateAuthChallenge = "CreateAuthChallenge_Authentication"
	SourceVerifyAuthChallenge = "VerifyAuthChallengeResponse_Authentication"
)

// ChallengeResult is one entry of a custom sign-in's session: a challenge
// the user was given and whether it was passed, in the order given.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is DefineAuthChallenge's request.
type DefineAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse is DefineAuthChallenge's response.
type DefineAuthChallengeResponse struct {
	ChallengeName      string `json:"challengeName"`
	IssueTokens        bool   `json:"issueTokens"`
	FailAuthentication bool   `json:"failAuthentication"`
}

// CreateAuthChallengeRequest is CreateAuthChallenge's request.
type CreateAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is CreateAuthChallenge's response.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          string            `json:"challengeMetadata"`
}

// VerifyAuthChallengeRequest is VerifyAuthChallengeResponse's request.
type VerifyAuthChallengeRequest struct {
	UserAttributes             map[string]string `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound               bool              `json:"userNotFound"`
}

// VerifyAuthChallengeAnswer is VerifyAuthChallengeResponse's response (the
// trigger's own name is taken by its constant).
type VerifyAuthChallengeAnswer struct {
	AnswerCorrect bool `json:"answerCorrect"`
}
