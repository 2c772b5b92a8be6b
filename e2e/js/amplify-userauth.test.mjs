// Amplify v6 (@aws-amplify/auth) against Cognate, in Node: passwordless
// sign-in with USER_AUTH. signIn with authFlowType USER_AUTH and
// preferredChallenge EMAIL_OTP asks CONFIRM_SIGN_IN_WITH_EMAIL_CODE; the
// code from the development outbox signs the user in. A wrong code first.
// And Amplify Gen 2's passwordless sign-up: signUp with no password and
// autoSignIn USER_AUTH, confirmSignUp with the emailed code, autoSignIn()
// signs the user in (InitiateAuth with ConfirmSignUp's Session); the user
// later signs in with EMAIL_OTP. And SMS_OTP: CONFIRM_SIGN_IN_WITH_SMS_CODE
// with the texted code.
//
// Run from the repository root: COGNATE_BIN=/path/to/cognate node --test e2e/js/

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from '@aws-amplify/auth';

import { cognateBinary } from './server.mjs';
import { startAmplifyServer } from './amplify-server.mjs';
import { AsyncMemoryStorage, deliveredCode, installFetchTrace, walk } from './util.mjs';

cognateBinary();
installFetchTrace();

const POOL_ID = 'us-east-1_jsamplifyuserauth';
const CLIENT_ID = 'jsamplifyuserauthclient001';
const PASSWORD = 'Correct-Horse-9-battery';
const USERNAME = 'amplify-userauth-user';

const CONFIG = {
	UserPools: [
		{
			Id: POOL_ID,
			PoolName: 'amplify-userauth',
			AutoVerifiedAttributes: ['email'],
			Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'] } },
			SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}' },
			Clients: [
				{
					ClientId: CLIENT_ID,
					ClientName: 'web',
					ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
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

async function mfaCodes(username = USERNAME) {
	return (await srv.outbox(POOL_ID, username)).filter(m => m.purpose === 'mfa');
}

describe('Amplify v6: USER_AUTH with EMAIL_OTP', () => {
	const step = walk(() => srv.log());

	step('signUp and confirm', async () => {
		await signUp({ username: USERNAME, password: PASSWORD, options: { userAttributes: { email: 'carol@example.com' } } });
		const msg = await deliveredCode(srv, POOL_ID, USERNAME, 'signup');
		const res = await confirmSignUp({ username: USERNAME, confirmationCode: msg.code });
		assert.equal(res.isSignUpComplete, true);
	});

	let sent;
	step('signIn USER_AUTH, preferredChallenge EMAIL_OTP: CONFIRM_SIGN_IN_WITH_EMAIL_CODE', async () => {
		const res = await signIn({ username: USERNAME, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails?.destination, 'c***@e***.com');
		const codes = await mfaCodes();
		assert.equal(codes.length, 1);
		sent = codes[0];
		assert.equal(sent.destination, 'carol@example.com');
	});

	step('confirmSignIn with a wrong code: CodeMismatchException', async () => {
		const wrong = String((Number(sent.code) + 1) % 1_000_000).padStart(6, '0');
		await assert.rejects(confirmSignIn({ challengeResponse: wrong }), e => e.name === 'CodeMismatchException');
	});

	step('confirmSignIn with the emailed code: DONE, tokens', async () => {
		const res = await confirmSignIn({ challengeResponse: sent.code });
		assert.equal(res.nextStep.signInStep, 'DONE', JSON.stringify(res.nextStep));
		const session = await fetchAuthSession();
		assert.equal(session.tokens?.idToken?.payload['cognito:username'], USERNAME);
		await signOut();
	});
});

describe('Amplify v6: USER_AUTH with SMS_OTP', () => {
	const step = walk(() => srv.log());
	const name = 'amplify-smsotp-user';

	step('signUp with a phone number, confirm', async () => {
		await signUp({
			username: name,
			password: PASSWORD,
			options: { userAttributes: { email: 'erin@example.com', phone_number: '+15555550142' } },
		});
		const msg = await deliveredCode(srv, POOL_ID, name, 'signup');
		assert.equal((await confirmSignUp({ username: name, confirmationCode: msg.code })).isSignUpComplete, true);
	});

	step('signIn USER_AUTH, preferredChallenge SMS_OTP: CONFIRM_SIGN_IN_WITH_SMS_CODE, a wrong code, the texted one', async () => {
		const res = await signIn({ username: name, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails?.deliveryMedium, 'SMS');
		assert.match(res.nextStep.codeDeliveryDetails?.destination ?? '', /^\+\*+0142$/);
		const codes = await mfaCodes(name);
		assert.equal(codes.length, 1);
		assert.equal(codes[0].destination, '+15555550142');
		const wrong = String((Number(codes[0].code) + 1) % 1_000_000).padStart(6, '0');
		await assert.rejects(confirmSignIn({ challengeResponse: wrong }), e => e.name === 'CodeMismatchException');
		const done = await confirmSignIn({ challengeResponse: codes[0].code });
		assert.equal(done.nextStep.signInStep, 'DONE', JSON.stringify(done.nextStep));
		const session = await fetchAuthSession();
		assert.equal(session.tokens?.idToken?.payload['cognito:username'], name);
		await signOut();
	});
});

// unrefTimers runs fn with the timers it arms unref'd: signUp with
// autoSignIn arms a three-minute wait for confirmSignUp that would keep Node
// running long after the suite.
async function unrefTimers(fn) {
	const real = globalThis.setTimeout;
	globalThis.setTimeout = (...args) => {
		const t = real(...args);
		t.unref?.();
		return t;
	};
	try {
		return await fn();
	} finally {
		globalThis.setTimeout = real;
	}
}

describe('Amplify v6: passwordless signUp with autoSignIn (USER_AUTH)', () => {
	const step = walk(() => srv.log());
	const name = 'amplify-passwordless-user';

	step('signUp with no password, autoSignIn USER_AUTH: CONFIRM_SIGN_UP', async () => {
		const res = await unrefTimers(() =>
			signUp({
				username: name,
				options: { userAttributes: { email: 'dave@example.com' }, autoSignIn: { authFlowType: 'USER_AUTH' } },
			}),
		);
		assert.equal(res.nextStep.signUpStep, 'CONFIRM_SIGN_UP', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
	});

	step('confirmSignUp with the emailed code: COMPLETE_AUTO_SIGN_IN', async () => {
		const msg = await deliveredCode(srv, POOL_ID, name, 'signup');
		const res = await confirmSignUp({ username: name, confirmationCode: msg.code });
		assert.equal(res.isSignUpComplete, true);
		assert.equal(res.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN', JSON.stringify(res.nextStep));
	});

	step('autoSignIn: signed in with no second code', async () => {
		const res = await autoSignIn();
		assert.equal(res.isSignedIn, true, JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.signInStep, 'DONE');
		const session = await fetchAuthSession();
		assert.equal(session.tokens?.idToken?.payload['cognito:username'], name);
		assert.equal(session.tokens?.idToken?.payload.email_verified, true);
		assert.equal((await mfaCodes(name)).length, 0, 'autoSignIn sent a sign-in code');
		await signOut();
	});

	step('later: signIn USER_AUTH with EMAIL_OTP', async () => {
		const res = await signIn({ username: name, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(res.nextStep));
		const [sent] = await mfaCodes(name);
		const done = await confirmSignIn({ challengeResponse: sent.code });
		assert.equal(done.nextStep.signInStep, 'DONE', JSON.stringify(done.nextStep));
		await signOut();
	});
});
