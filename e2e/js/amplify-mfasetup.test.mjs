// Amplify v6 (@aws-amplify/auth) against Cognate, in Node: MFA set-up at
// sign-in. In a pool that requires MFA and offers TOTP and email codes, a
// user with no factor is asked to choose one
// (CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION), chooses EMAIL, gives an
// address (CONTINUE_SIGN_IN_WITH_EMAIL_SETUP), and answers the code sent
// there (CONFIRM_SIGN_IN_WITH_EMAIL_CODE); the next sign-in asks that
// email code. Codes come from the development outbox.
//
// Run from the repository root: COGNATE_BIN=/path/to/cognate node --test e2e/js/

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { confirmSignIn, confirmSignUp, fetchMFAPreference, fetchUserAttributes, signIn, signOut, signUp } from '@aws-amplify/auth';

import { cognateBinary } from './server.mjs';
import { useAmplifyServer } from './amplify-server.mjs';
import { deliveredCode, installFetchTrace, walk } from './util.mjs';

cognateBinary();
installFetchTrace();

const POOL_ID = 'us-east-1_jsamplifymfasetup';
const CLIENT_ID = 'jsamplifymfasetupclient001';
const PASSWORD = 'Correct-Horse-9-battery';
const USERNAME = 'amplify-mfasetup-user';
const EMAIL = 'erin@example.com';

const CONFIG = {
	UserPools: [
		{
			Id: POOL_ID,
			PoolName: 'amplify-mfasetup',
			MfaConfiguration: 'ON',
			AutoVerifiedAttributes: ['phone_number'],
			SoftwareTokenMfaConfiguration: { Enabled: true },
			EmailMfaConfiguration: { Message: 'Your sign-in code: {####}', Subject: 'Sign-in code' },
			Clients: [
				{
					ClientId: CLIENT_ID,
					ClientName: 'web',
					ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
				},
			],
		},
	],
};

const server = useAmplifyServer(CONFIG, POOL_ID, CLIENT_ID);

async function mfaCodes() {
	return (await server().outbox(POOL_ID, USERNAME)).filter(m => m.purpose === 'mfa');
}

describe('Amplify v6: email MFA set up at sign-in', () => {
	const step = walk(() => server().log());

	step('signUp (a phone number, no email) and confirm', async () => {
		await signUp({ username: USERNAME, password: PASSWORD, options: { userAttributes: { phone_number: '+15555550177' } } });
		const msg = await deliveredCode(server(), POOL_ID, USERNAME, 'signup');
		const res = await confirmSignUp({ username: USERNAME, confirmationCode: msg.code });
		assert.equal(res.isSignUpComplete, true);
	});

	step('signIn: CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION, TOTP or EMAIL', async () => {
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION', JSON.stringify(res.nextStep));
		assert.deepEqual([...res.nextStep.allowedMFATypes].sort(), ['EMAIL', 'TOTP']);
	});

	step('confirmSignIn EMAIL: CONTINUE_SIGN_IN_WITH_EMAIL_SETUP', async () => {
		const res = await confirmSignIn({ challengeResponse: 'EMAIL' });
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP', JSON.stringify(res.nextStep));
	});

	step('confirmSignIn with the address: CONFIRM_SIGN_IN_WITH_EMAIL_CODE, a code sent there', async () => {
		const res = await confirmSignIn({ challengeResponse: EMAIL });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails?.destination, 'e***@e***.com');
		const codes = await mfaCodes();
		assert.equal(codes.length, 1);
		assert.equal(codes[0].destination, EMAIL);
	});

	step('confirmSignIn with the code: DONE; the address is the verified email, email MFA on', async () => {
		const [sent] = await mfaCodes();
		const res = await confirmSignIn({ challengeResponse: sent.code });
		assert.equal(res.nextStep.signInStep, 'DONE', JSON.stringify(res.nextStep));
		const attrs = await fetchUserAttributes();
		assert.equal(attrs.email, EMAIL);
		assert.equal(attrs.email_verified, 'true');
		const pref = await fetchMFAPreference();
		assert.deepEqual(pref.enabled, ['EMAIL']);
		assert.equal(pref.preferred, 'EMAIL');
		await signOut();
	});

	step('signIn again: CONFIRM_SIGN_IN_WITH_EMAIL_CODE, then DONE', async () => {
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(res.nextStep));
		const codes = await mfaCodes();
		assert.equal(codes.length, 2);
		const done = await confirmSignIn({ challengeResponse: codes[1].code });
		assert.equal(done.nextStep.signInStep, 'DONE', JSON.stringify(done.nextStep));
		await signOut();
	});
});
