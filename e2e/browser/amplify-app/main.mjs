// A small web app, as one would write it with Amplify v6, for
// amplify-passkeys.test.mjs: bundled by esbuild when the test runs and served
// on http://localhost, where the test drives it in Chromium. It configures
// Amplify for the Cognate endpoint in the page's query string and hands the
// Auth functions the journey needs to the test as window.app; tokens live in
// localStorage, Amplify's default in a browser.

import { Amplify } from '@aws-amplify/core';
import {
	associateWebAuthnCredential,
	confirmSignIn,
	deleteWebAuthnCredential,
	fetchAuthSession,
	getCurrentUser,
	listWebAuthnCredentials,
	signIn,
	signOut,
} from '@aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';

const q = new URLSearchParams(location.search);
const auth = {
	Cognito: { userPoolId: q.get('pool'), userPoolClientId: q.get('client'), userPoolEndpoint: q.get('endpoint') },
};
cognitoUserPoolsTokenProvider.setAuthConfig(auth);
Amplify.configure({ Auth: auth }, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });

// An Amplify error as the test compares it: its name and message.
async function settle(promise) {
	try {
		return { ok: await promise };
	} catch (err) {
		return { error: { name: err.name, message: err.message } };
	}
}

window.app = {
	signIn: input => settle(signIn(input)),
	confirmSignIn: input => settle(confirmSignIn(input)),
	signOut: () => settle(signOut()),
	associateWebAuthnCredential: () => settle(associateWebAuthnCredential()),
	listWebAuthnCredentials: () => settle(listWebAuthnCredentials()),
	deleteWebAuthnCredential: credentialId => settle(deleteWebAuthnCredential({ credentialId })),
	getCurrentUser: () => settle(getCurrentUser()),
	// The session's tokens, as the compact JWTs the server issued; with
	// forceRefresh, new ones from the refresh token.
	tokens: forceRefresh =>
		settle(
			fetchAuthSession({ forceRefresh }).then(({ tokens }) => ({
				accessToken: tokens?.accessToken?.toString(),
				idToken: tokens?.idToken?.toString(),
			}))
		),
};
document.getElementById('state').textContent = 'ready';
