// Amplify v6 (@aws-amplify/auth) against Cognate, in Node: sign-up,
// confirmation, SRP sign-in through TOTP setup, a remembered device that
// skips MFA, token refresh with GetTokensFromRefreshToken, forgetting the
// device, and the errors an app shows.
//
// Run from the repository root: COGNATE_BIN=/path/to/cognate node --test e2e/js/

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
	confirmSignIn,
	confirmSignUp,
	fetchAuthSession,
	fetchDevices,
	forgetDevice,
	getCurrentUser,
	rememberDevice,
	signIn,
	signOut,
	signUp,
} from '@aws-amplify/auth';

import { cognateBinary } from './server.mjs';
import { startAmplifyServer } from './amplify-server.mjs';
import {
	AsyncMemoryStorage,
	Authenticator,
	callsSince,
	deliveredCode,
	installFetchTrace,
	lastCall,
	traceMark,
	verifyWithAwsJwtVerify,
	walk,
} from './util.mjs';

cognateBinary(); // fails the file at once, with the reason, when COGNATE_BIN is unusable
installFetchTrace();

const POOL_ID = 'us-east-1_jsamplify1';
const CLIENT_ID = 'jsamplifyclient00000000001';
const PASSWORD = 'Correct-Horse-9-battery';

const CONFIG = {
	UserPools: [
		{
			Id: POOL_ID,
			PoolName: 'amplify',
			MfaConfiguration: 'ON',
			AutoVerifiedAttributes: ['email'],
			SoftwareTokenMfaConfiguration: { Enabled: true },
			DeviceConfiguration: {
				ChallengeRequiredOnNewDevice: true,
				DeviceOnlyRememberedOnUserPrompt: true,
			},
			Clients: [
				{
					ClientId: CLIENT_ID,
					ClientName: 'web',
					ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
				},
			],
		},
	],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let srv;
// Where Amplify keeps tokens and device keys (localStorage in a browser).
const storage = new AsyncMemoryStorage();

before(async () => {
	srv = await startAmplifyServer(CONFIG, POOL_ID, CLIENT_ID, storage);
});
after(async () => {
	await srv?.stop();
});

async function rejectsWith(promise, name) {
	await assert.rejects(promise, err => {
		assert.equal(err.name, name, `want ${name}, got ${err.name}: ${err.message}`);
		return true;
	});
}

describe('Amplify v6: TOTP and a remembered device', () => {
	const step = walk(() => srv.log());
	const USERNAME = 'amplify-walker';
	const EMAIL = 'amplify@example.com';
	let app;
	let sub;
	let deviceKey;

	step('signUp with an email attribute', async () => {
		const res = await signUp({ username: USERNAME, password: PASSWORD, options: { userAttributes: { email: EMAIL } } });
		assert.equal(res.isSignUpComplete, false);
		assert.match(res.userId ?? '', UUID);
		sub = res.userId;
		assert.equal(res.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
		assert.equal(res.nextStep.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
		assert.equal(res.nextStep.codeDeliveryDetails?.attributeName, 'email');
	});

	step('confirmSignUp with the code from the outbox', async () => {
		const msg = await deliveredCode(srv, POOL_ID, USERNAME, 'signup');
		const res = await confirmSignUp({ username: USERNAME, confirmationCode: msg.code });
		assert.equal(res.isSignUpComplete, true);
		assert.equal(res.nextStep.signUpStep, 'DONE');
	});

	step('signIn (USER_SRP_AUTH): CONTINUE_SIGN_IN_WITH_TOTP_SETUP', async () => {
		const mark = traceMark();
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.isSignedIn, false);
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', JSON.stringify(res.nextStep));
		const secret = res.nextStep.totpSetupDetails.sharedSecret;
		assert.match(secret, /^[A-Z2-7]{16,}$/);
		const uri = res.nextStep.totpSetupDetails.getSetupUri('Cognate', USERNAME);
		assert.equal(uri.searchParams.get('secret'), secret);
		app = new Authenticator(secret);
		assert.deepEqual(callsSince(mark), ['InitiateAuth', 'RespondToAuthChallenge', 'AssociateSoftwareToken']);
		assert.equal(JSON.parse(lastCall('InitiateAuth').request).AuthFlow, 'USER_SRP_AUTH');
	});

	step('confirmSignIn with a TOTP code: DONE, and the device is confirmed', async () => {
		const mark = traceMark();
		const res = await confirmSignIn({ challengeResponse: await app.next() });
		assert.equal(res.isSignedIn, true);
		assert.equal(res.nextStep.signInStep, 'DONE');
		assert.deepEqual(callsSince(mark), ['VerifySoftwareToken', 'RespondToAuthChallenge', 'ConfirmDevice']);
		deviceKey = storage.find('.deviceKey');
		assert.match(deviceKey ?? '', /^us-east-1_[0-9a-f-]+$/, 'device key stored');
		assert.ok(storage.find('.deviceGroupKey'));
		assert.ok(storage.find('.randomPasswordKey'));
	}, { timeout: 45_000 });

	step('fetchAuthSession has tokens for the user; getCurrentUser agrees', async () => {
		const { tokens } = await fetchAuthSession();
		assert.ok(tokens?.idToken && tokens?.accessToken, 'tokens present');
		assert.equal(tokens.idToken.payload['cognito:username'], USERNAME);
		assert.equal(tokens.idToken.payload.sub, sub);
		assert.equal(tokens.idToken.payload.email, EMAIL);
		assert.equal(tokens.idToken.payload.aud, CLIENT_ID);
		assert.equal(tokens.accessToken.payload.username, USERNAME);
		assert.equal(tokens.accessToken.payload.client_id, CLIENT_ID);
		const me = await getCurrentUser();
		assert.equal(me.username, USERNAME);
		assert.equal(me.userId, sub);
	});

	step('the ID token verifies with aws-jwt-verify against the JWKS', async () => {
		const { tokens } = await fetchAuthSession();
		const payload = await verifyWithAwsJwtVerify(srv.url, POOL_ID, CLIENT_ID, tokens.idToken.toString(), 'id');
		assert.equal(payload['cognito:username'], USERNAME);
	});

	step('rememberDevice', async () => {
		const mark = traceMark();
		await rememberDevice();
		assert.deepEqual(callsSince(mark), ['UpdateDeviceStatus']);
		const req = JSON.parse(lastCall('UpdateDeviceStatus').request);
		assert.equal(req.DeviceKey, deviceKey);
		assert.equal(req.DeviceRememberedStatus, 'remembered');
	});

	step('fetchDevices lists the remembered device', async () => {
		const devices = await fetchDevices();
		assert.deepEqual(devices.map(d => d.id), [deviceKey]);
	}, { independent: true });

	step('fetchAuthSession({forceRefresh}) refreshes with GetTokensFromRefreshToken', async () => {
		const before = await fetchAuthSession();
		const mark = traceMark();
		const after = await fetchAuthSession({ forceRefresh: true });
		assert.deepEqual(callsSince(mark), ['GetTokensFromRefreshToken']);
		const req = JSON.parse(lastCall('GetTokensFromRefreshToken').request);
		assert.equal(req.ClientId, CLIENT_ID);
		assert.equal(req.DeviceKey, deviceKey);
		assert.notEqual(after.tokens.accessToken.toString(), before.tokens.accessToken.toString());
		assert.equal(after.tokens.idToken.payload.sub, sub);
		assert.equal(after.tokens.accessToken.payload.device_key, deviceKey);
	});

	let revokedRefreshToken;

	step('signOut clears the tokens and keeps the device', async () => {
		revokedRefreshToken = storage.find('.refreshToken');
		assert.ok(revokedRefreshToken, 'a refresh token is stored');
		const mark = traceMark();
		await signOut();
		const { tokens } = await fetchAuthSession();
		assert.equal(tokens, undefined);
		assert.equal(storage.find('.deviceKey'), deviceKey);
		// Amplify revokes the refresh token when the access token has origin_jti
		// (and ignores the outcome).
		assert.deepEqual(callsSince(mark), ['RevokeToken']);
		assert.equal(lastCall('RevokeToken').status, 200, lastCall('RevokeToken').response);
	});

	step('the refresh token signOut revoked no longer refreshes', async () => {
		const res = await fetch(srv.url, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/x-amz-json-1.1',
				'X-Amz-Target': 'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken',
			},
			body: JSON.stringify({ ClientId: CLIENT_ID, RefreshToken: revokedRefreshToken, DeviceKey: deviceKey }),
			signal: AbortSignal.timeout(5_000),
		});
		const body = await res.json();
		assert.equal(res.status, 400, JSON.stringify(body));
		assert.equal(body.__type, 'NotAuthorizedException');
	}, { independent: true });

	step('signIn from the remembered device: DONE without a TOTP step (DEVICE_SRP_AUTH)', async () => {
		const mark = traceMark();
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'DONE', `got ${JSON.stringify(res.nextStep)}`);
		assert.equal(res.isSignedIn, true);
		assert.deepEqual(callsSince(mark), [
			'InitiateAuth',
			'RespondToAuthChallenge', // PASSWORD_VERIFIER with DEVICE_KEY
			'RespondToAuthChallenge', // DEVICE_SRP_AUTH
			'RespondToAuthChallenge', // DEVICE_PASSWORD_VERIFIER
		]);
		const { tokens } = await fetchAuthSession();
		assert.equal(tokens.accessToken.payload.device_key, deviceKey);
		assert.equal(tokens.idToken.payload['cognito:username'], USERNAME);
	});

	let staleKeys; // the device keys as they were before forgetDevice

	step('forgetDevice, signOut', async () => {
		staleKeys = [...storage.map].filter(([k]) => /\.(deviceKey|deviceGroupKey|randomPasswordKey)$/.test(k));
		assert.equal(staleKeys.length, 3);
		const mark = traceMark();
		await forgetDevice();
		assert.equal(callsSince(mark)[0], 'ForgetDevice');
		assert.equal(storage.find('.deviceKey'), null);
		await signOut();
	});

	step("signIn with the forgotten device's keys still stored: 'Device does not exist.', Amplify drops them and retries", async () => {
		for (const [k, v] of staleKeys) storage.map.set(k, v);
		const mark = traceMark();
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(res.nextStep));
		// Amplify answers PASSWORD_VERIFIER again, without DEVICE_KEY, in the same session.
		assert.deepEqual(callsSince(mark), ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
		assert.equal(storage.find('.deviceKey'), null, 'stale device key dropped');
	}, { independent: true });

	step('signIn again: CONFIRM_SIGN_IN_WITH_TOTP_CODE', async () => {
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.isSignedIn, false);
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(res.nextStep));
	});

	step('confirmSignIn with a wrong code: CodeMismatchException', async () => {
		await rejectsWith(confirmSignIn({ challengeResponse: app.wrong() }), 'CodeMismatchException');
	});

	step('confirmSignIn with the right code: DONE, a new device is confirmed', async () => {
		const mark = traceMark();
		const res = await confirmSignIn({ challengeResponse: await app.next() });
		assert.equal(res.isSignedIn, true);
		assert.equal(res.nextStep.signInStep, 'DONE');
		assert.deepEqual(callsSince(mark), ['RespondToAuthChallenge', 'ConfirmDevice']);
		const newKey = storage.find('.deviceKey');
		assert.ok(newKey && newKey !== deviceKey, 'a new device key');
		const { tokens } = await fetchAuthSession();
		assert.equal(tokens.idToken.payload.sub, sub);
	}, { timeout: 45_000 });

	step('signOut; a wrong password: NotAuthorizedException', async () => {
		await signOut();
		await rejectsWith(signIn({ username: USERNAME, password: 'Wrong-Horse-9-battery' }), 'NotAuthorizedException');
	});
});
