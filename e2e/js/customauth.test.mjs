// CUSTOM_AUTH with real Lambda functions, through amazon-cognito-identity-js
// (initiateAuth / authenticateUser with setAuthenticationFlowType
// ('CUSTOM_AUTH'), the customChallenge callback, sendCustomChallengeAnswer)
// and Amplify v6 (signIn with authFlowType CUSTOM_WITHOUT_SRP and
// CUSTOM_WITH_SRP, then confirmSignIn). The functions are the Go harness
// e2e/js/lambda-harness: Cognate's aws-lambda-go test function under the
// Lambda Runtime Interface Emulator, asking a one-time code.
//
// Run from the repository root:
//   go build -o /tmp/cognate ./cmd/cognate && go build -o /tmp/lambda-harness ./e2e/js/lambda-harness
//   COGNATE_BIN=/tmp/cognate COGNATE_LAMBDA_HARNESS=/tmp/lambda-harness node --test e2e/js/
// Without COGNATE_LAMBDA_HARNESS the file is skipped, but under CI=true it fails.

import './node-globals.mjs'; // before Amplify: Node 20 has no navigator

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } from 'amazon-cognito-identity-js';
import { confirmSignIn, signIn, signOut } from '@aws-amplify/auth';

import { cognateBinary } from './server.mjs';
import { startAmplifyServer } from './amplify-server.mjs';
import {
	AsyncMemoryStorage,
	SyncMemoryStorage,
	cb,
	deliveredCode,
	installFetchTrace,
	nodeCb,
	verifyWithAwsJwtVerify,
	walk,
} from './util.mjs';

cognateBinary(); // fails the file at once, with the reason, when COGNATE_BIN is unusable
installFetchTrace();

const HARNESS = process.env.COGNATE_LAMBDA_HARNESS;
if (!HARNESS && process.env.CI === 'true') {
	throw new Error('COGNATE_LAMBDA_HARNESS is not set: build it (go build -o /tmp/lambda-harness ./e2e/js/lambda-harness); under CI=true a missing harness fails');
}

const POOL_ID = 'us-east-1_jscustom01';
const ACIJS_CLIENT = 'jscustomacijs000000000001';
const AMPLIFY_CLIENT = 'jscustomamplify0000000001';
const PASSWORD = 'Correct-Horse-9-battery';
// The emulator serves one function, named "function".
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:function';
const FLOWS = ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

const CONFIG = {
	UserPools: [
		{
			Id: POOL_ID,
			PoolName: 'custom',
			AutoVerifiedAttributes: ['email'],
			LambdaConfig: { DefineAuthChallenge: FN, CreateAuthChallenge: FN, VerifyAuthChallengeResponse: FN },
			Clients: [
				{ ClientId: ACIJS_CLIENT, ClientName: 'acijs', ExplicitAuthFlows: FLOWS },
				{ ClientId: AMPLIFY_CLIENT, ClientName: 'amplify', ExplicitAuthFlows: FLOWS },
			],
		},
	],
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the harness; resolves with { endpoint, control, stop }. */
function startHarness() {
	return new Promise((resolve, reject) => {
		// Run in the module: the harness builds the emulator's function with go.
		const child = spawn(HARNESS, [], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
		const timer = setTimeout(() => {
			child.kill('SIGTERM'); // the harness stops the emulator it may have started
			reject(new Error('the Lambda harness did not start within 45 s'));
		}, 45_000);
		child.on('error', err => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('exit', code => {
			clearTimeout(timer);
			reject(new Error(`the Lambda harness exited (${code}) before it was ready`));
		});
		// Should this process die, the harness's stdin closes and it stops
		// the emulator itself; it is not killed here, which would leave the
		// emulator (its own process group) holding its fixed port.
		createInterface({ input: child.stdout }).once('line', line => {
			clearTimeout(timer);
			const cfg = JSON.parse(line);
			const exited = new Promise(r => child.once('exit', r));
			const stop = async () => {
				child.stdin.end();
				await Promise.race([exited, new Promise(r => setTimeout(r, 10_000).unref())]);
			};
			resolve({ ...cfg, stop });
		});
	});
}

let harness;
let srv;

async function control(p, init) {
	const res = await fetch(`${harness.control}${p}`, { signal: AbortSignal.timeout(5_000), ...init });
	const text = await res.text();
	if (res.status >= 300) throw new Error(`${p}: HTTP ${res.status}: ${text}`);
	return text ? JSON.parse(text) : null;
}

/** The code the functions made last for the user (what they would mail). */
const codeFor = async user => (await control(`/code?user=${encodeURIComponent(user)}`)).code;

/** The functions' calls since the last reset, each checked to have lost nothing in aws-lambda-go's types. */
async function calls() {
	const got = await control('/calls');
	for (const c of got) {
		assert.deepEqual(c.lost ?? [], [], `${c.source}: aws-lambda-go's type lost ${c.lost} of ${JSON.stringify(c.event)}`);
		assert.equal(c.decodeErr ?? '', '', `${c.source}: ${c.decodeErr}`);
	}
	return got;
}

const reset = () => control('/reset', { method: 'POST' });

before(async () => {
	if (!HARNESS) return;
	harness = await startHarness();
	srv = await startAmplifyServer(CONFIG, POOL_ID, AMPLIFY_CLIENT, new AsyncMemoryStorage(), { args: ['--lambda-endpoint', harness.endpoint] });
});
after(async () => {
	await srv?.stop();
	await harness?.stop();
});

function acijsPool() {
	return new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: ACIJS_CLIENT, endpoint: srv.url, Storage: new SyncMemoryStorage() });
}

async function signUpAndConfirm(username) {
	const pool = acijsPool();
	const attrs = [new CognitoUserAttribute({ Name: 'email', Value: `${username}@example.com` })];
	await nodeCb(done => pool.signUp(username, PASSWORD, attrs, null, done));
	const msg = await deliveredCode(srv, POOL_ID, username, 'signup');
	const user = new CognitoUser({ Username: username, Pool: pool, Storage: pool.storage });
	await nodeCb(done => user.confirmRegistration(msg.code, true, done));
}

describe('amazon-cognito-identity-js: CUSTOM_AUTH', { skip: !HARNESS && 'COGNATE_LAMBDA_HARNESS not set' }, () => {
	const step = walk(() => srv.log());
	const USERNAME = 'acijs-custom';

	step('a confirmed user', async () => {
		await signUpAndConfirm(USERNAME);
	});

	step('initiateAuth (no password): customChallenge, then sendCustomChallengeAnswer gives tokens', async () => {
		await reset();
		const pool = acijsPool();
		const user = new CognitoUser({ Username: USERNAME, Pool: pool, Storage: pool.storage });
		user.setAuthenticationFlowType('CUSTOM_AUTH');
		const details = new AuthenticationDetails({ Username: USERNAME, ClientMetadata: { app: 'acijs' } });
		const ch = await cb(c => user.initiateAuth(details, c));
		assert.equal(ch.kind, 'customChallenge');
		assert.equal(ch.args[0].hint, 'the code we sent you');
		assert.equal(ch.args[0].USERNAME, USERNAME);
		const code = await codeFor(USERNAME);
		assert.ok(!Object.values(ch.args[0]).includes(code), 'the code shows in the challenge parameters');
		const done = await cb(c => user.sendCustomChallengeAnswer(code, c, { step: 'answer' }));
		assert.equal(done.kind, 'onSuccess');
		const payload = await verifyWithAwsJwtVerify(srv.url, POOL_ID, ACIJS_CLIENT, done.args[0].getIdToken().getJwtToken(), 'id');
		assert.equal(payload['cognito:username'], USERNAME);
		const got = await calls();
		assert.deepEqual(got.map(c => c.source.split('_')[0]), ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallengeResponse', 'DefineAuthChallenge']);
		assert.equal(got[0].event.request.clientMetadata.app, 'acijs');
		assert.equal(got[2].event.request.clientMetadata.step, 'answer');
		assert.equal(got[2].event.request.challengeAnswer, code);
	});

	step('authenticateUser (SRP first): PASSWORD_VERIFIER, then a wrong and a right answer', async () => {
		await reset();
		const pool = acijsPool();
		const user = new CognitoUser({ Username: USERNAME, Pool: pool, Storage: pool.storage });
		user.setAuthenticationFlowType('CUSTOM_AUTH');
		const details = new AuthenticationDetails({ Username: USERNAME, Password: PASSWORD });
		const ch = await cb(c => user.authenticateUser(details, c));
		assert.equal(ch.kind, 'customChallenge');
		const again = await cb(c => user.sendCustomChallengeAnswer('not-the-code', c));
		assert.equal(again.kind, 'customChallenge');
		const code = await codeFor(USERNAME);
		const done = await cb(c => user.sendCustomChallengeAnswer(code, c));
		assert.equal(done.kind, 'onSuccess');
		const got = await calls();
		const sessions = got.filter(c => c.source.startsWith('Define')).map(c => c.event.request.session.map(s => `${s.challengeName}:${s.challengeResult}`).join(','));
		assert.deepEqual(sessions, [
			'SRP_A:true',
			'SRP_A:true,PASSWORD_VERIFIER:true',
			'SRP_A:true,PASSWORD_VERIFIER:true,CUSTOM_CHALLENGE:false',
			'SRP_A:true,PASSWORD_VERIFIER:true,CUSTOM_CHALLENGE:false,CUSTOM_CHALLENGE:true',
		]);
	});

	step('three wrong answers: NotAuthorizedException', async () => {
		await reset();
		const pool = acijsPool();
		const user = new CognitoUser({ Username: USERNAME, Pool: pool, Storage: pool.storage });
		user.setAuthenticationFlowType('CUSTOM_AUTH');
		await cb(c => user.initiateAuth(new AuthenticationDetails({ Username: USERNAME }), c));
		await cb(c => user.sendCustomChallengeAnswer('wrong-1', c));
		await cb(c => user.sendCustomChallengeAnswer('wrong-2', c));
		await assert.rejects(cb(c => user.sendCustomChallengeAnswer('wrong-3', c)), err => {
			assert.equal(err.code, 'NotAuthorizedException');
			assert.equal(err.message, 'Incorrect username or password.');
			return true;
		});
		await calls();
	});
});

describe('Amplify v6: CUSTOM_WITHOUT_SRP and CUSTOM_WITH_SRP', { skip: !HARNESS && 'COGNATE_LAMBDA_HARNESS not set' }, () => {
	const step = walk(() => srv.log());
	const USERNAME = 'amplify-custom';

	step('a confirmed user', async () => {
		await signUpAndConfirm(USERNAME);
	});

	step('signIn CUSTOM_WITHOUT_SRP: CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE, confirmSignIn signs in', async () => {
		await reset();
		const res = await signIn({ username: USERNAME, options: { authFlowType: 'CUSTOM_WITHOUT_SRP', clientMetadata: { app: 'amplify' } } });
		assert.equal(res.isSignedIn, false);
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', JSON.stringify(res.nextStep));
		assert.equal(res.nextStep.additionalInfo?.hint, 'the code we sent you');
		const wrong = await confirmSignIn({ challengeResponse: '000000x' });
		assert.equal(wrong.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
		const done = await confirmSignIn({ challengeResponse: await codeFor(USERNAME) });
		assert.equal(done.isSignedIn, true);
		assert.equal(done.nextStep.signInStep, 'DONE');
		const got = await calls();
		assert.equal(got[0].event.request.clientMetadata.app, 'amplify');
		assert.equal(got[0].event.callerContext.clientId, AMPLIFY_CLIENT);
		await signOut();
	});

	step('signIn CUSTOM_WITH_SRP: the password first, then the custom challenge', async () => {
		await reset();
		const res = await signIn({ username: USERNAME, password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
		assert.equal(res.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', JSON.stringify(res.nextStep));
		const done = await confirmSignIn({ challengeResponse: await codeFor(USERNAME) });
		assert.equal(done.isSignedIn, true);
		const got = await calls();
		assert.deepEqual(got[0].event.request.session.map(s => s.challengeName), ['SRP_A']);
		assert.deepEqual(got[1].event.request.session.map(s => s.challengeName), ['SRP_A', 'PASSWORD_VERIFIER']);
		await signOut();
	});

	step('signIn CUSTOM_WITH_SRP with a wrong password: NotAuthorizedException', async () => {
		await assert.rejects(signIn({ username: USERNAME, password: 'Wrong-Horse-9-battery', options: { authFlowType: 'CUSTOM_WITH_SRP' } }), err => {
			assert.equal(err.name, 'NotAuthorizedException', `${err.name}: ${err.message}`);
			return true;
		});
	});
});

// Keeps node --test from reporting an empty file when the suites are skipped.
it('the harness is configured, or the suites are skipped outside CI', () => {
	assert.ok(HARNESS || process.env.CI !== 'true');
});
