// startAmplifyServer starts Cognate with a declared pool and points Amplify
// v6 at it as an app's Amplify.configure does for Auth, keeping tokens and
// device keys in storage (localStorage in a browser). The Amplify suites
// share it.

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import { Amplify } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';

import { after, before } from 'node:test';

import { startServer } from './server.mjs';
import { AsyncMemoryStorage } from './util.mjs';

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

// useAmplifyServer starts Cognate before the file's tests, with Amplify
// keeping its tokens in memory, and stops it after them; it returns a
// function giving the running server.
export function useAmplifyServer(config, poolId, clientId) {
	let srv;
	before(async () => {
		srv = await startAmplifyServer(config, poolId, clientId, new AsyncMemoryStorage());
	});
	after(async () => {
		await srv?.stop();
	});
	return () => srv;
}
