// startAmplifyServer starts Cognate with a declared pool and points Amplify
// v6 at it as an app's Amplify.configure does for Auth, keeping tokens and
// device keys in storage (localStorage in a browser). The Amplify suites
// share it.

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import { Amplify } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';

import { startServer } from './server.mjs';

// serverOptions go to startServer (e.g. { args: [...] }).
export async function startAmplifyServer(config, poolId, clientId, storage, serverOptions) {
	const srv = await startServer(config, serverOptions);
	const amplifyConfig = {
		Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: srv.url } },
	};
	cognitoUserPoolsTokenProvider.setAuthConfig(amplifyConfig.Auth);
	cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
	Amplify.configure(amplifyConfig, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
	return srv;
}
