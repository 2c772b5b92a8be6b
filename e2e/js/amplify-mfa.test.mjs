// Amplify v6 (@aws-amplify/auth) against Cognate, in Node: MFA by text
// message and by email. A user turns both on (updateMFAPreference), chooses
// one at sign-in (CONTINUE_SIGN_IN_WITH_MFA_SELECTION), answers the emailed
// code (CONFIRM_SIGN_IN_WITH_EMAIL_CODE), then prefers SMS and answers the
// texted one (CONFIRM_SIGN_IN_WITH_SMS_CODE). Codes come from the
// development outbox.
//
// Run from the repository root: COGNATE_BIN=/path/to/cognate node --test e2e/js/

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { confirmSignIn, confirmSignUp, fetchMFAPreference, signIn, signOut, signUp, updateMFAPreference } from '@aws-amplify/auth';

import { cognateBinary } from './server.mjs';
import { startAmplifyServer } from './amplify-server.mjs';
import { AsyncMemoryStorage, deliveredCode, installFetchTrace, walk } from './util.mjs';

cognateBinary();
installFetchTrace();

const POOL_ID = 'us-east-1_jsamplifymfa';
const CLIENT_ID = 'jsamplifymfaclient00000001';
const PASSWORD = 'Correct-Horse-9-battery';

const CONFIG = {
	UserPools: [
		{
			Id: POOL_ID,
			PoolName: 'amplify-mfa',
			MfaConfiguration: 'OPTIONAL',
			AutoVerifiedAttributes: ['email'],
			SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}' },
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

let srv;
const storage = new AsyncMemoryStorage();

before(async () => {
	srv = await startAmplifyServer(CONFIG, POOL_ID, CLIENT_ID, storage);
});
after(async () => {
	await srv?.stop();
});

// newestMFACode waits for an MFA code newer than the `seen` ones.
async function newestMFACode(seen) {
	const deadline = Date.now() + 5_000;
	for (;;) {
		const msgs = (await srv.outbox(POOL_ID, USERNAME)).filter(m => m.purpose === 'mfa');
		if (msgs.length > seen) return msgs[msgs.length - 1];
		if (Date.now() > deadline) throw new Error(`no new MFA code; outbox: ${JSON.stringify(msgs)}`);
		await new Promise(r => setTimeout(r, 100));
	}
}

async function mfaCount() {
	return (await srv.outbox(POOL_ID, USERNAME)).filter(m => m.purpose === 'mfa').length;
}

const USERNAME = 'amplify-mfa-user';

describe('Amplify v6: SMS and email MFA', () => {
	const step = walk(() => srv.log());

	step('signUp and confirm', async () => {
		await signUp({
			username: USERNAME,
			password: PASSWORD,
			options: { userAttributes: { email: 'alice@example.com', phone_number: '+15555550123' } },
		});
		const msg = await deliveredCode(srv, POOL_ID, USERNAME, 'signup');
		const res = await confirmSignUp({ username: USERNAME, confirmationCode: msg.code });
		assert.equal(res.isSignUpComplete, true);
	});

	step('signIn without a factor turned on: DONE', async () => {
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'DONE', JSON.stringify(res.nextStep));
	});

	step('updateMFAPreference turns SMS and email on; fetchMFAPreference shows them', async () => {
		await updateMFAPreference({ sms: 'ENABLED', email: 'ENABLED' });
		const pref = await fetchMFAPreference();
		assert.deepEqual([...pref.enabled].sort(), ['EMAIL', 'SMS']);
		assert.equal(pref.preferred, undefined);
		await signOut();
	});

	let seen;
	step('signIn: CONTINUE_SIGN_IN_WITH_MFA_SELECTION between SMS and EMAIL', async () => {
		seen = await mfaCount();
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', JSON.stringify(res.nextStep));
		assert.deepEqual(res.nextStep.allowedMFATypes, ['SMS', 'EMAIL']);
		assert.equal(await mfaCount(), seen, 'a code was sent before the choice');
	});

	step('confirmSignIn EMAIL: CONFIRM_SIGN_IN_WITH_EMAIL_CODE, masked address', async () => {
		const res = await confirmSignIn({ challengeResponse: 'EMAIL' });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
		assert.equal(res.nextStep.codeDeliveryDetails.destination, 'a***@e***.com');
	});

	step('confirmSignIn with a wrong code: CodeMismatchException; the right one: DONE', async () => {
		const msg = await newestMFACode(seen);
		assert.equal(msg.medium, 'EMAIL');
		const wrong = String((Number(msg.code) + 1) % 1_000_000).padStart(6, '0');
		await assert.rejects(confirmSignIn({ challengeResponse: wrong }), err => err.name === 'CodeMismatchException');
		const res = await confirmSignIn({ challengeResponse: msg.code });
		assert.equal(res.nextStep.signInStep, 'DONE', JSON.stringify(res.nextStep));
	});

	step('SMS preferred: CONFIRM_SIGN_IN_WITH_SMS_CODE, then DONE', async () => {
		await updateMFAPreference({ sms: 'PREFERRED' });
		assert.equal((await fetchMFAPreference()).preferred, 'SMS');
		await signOut();
		seen = await mfaCount();
		const res = await signIn({ username: USERNAME, password: PASSWORD });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails.deliveryMedium, 'SMS');
		assert.equal(res.nextStep.codeDeliveryDetails.destination, '+*******0123');
		const msg = await newestMFACode(seen);
		assert.equal(msg.medium, 'SMS');
		const done = await confirmSignIn({ challengeResponse: msg.code });
		assert.equal(done.nextStep.signInStep, 'DONE', JSON.stringify(done.nextStep));
	});
});
