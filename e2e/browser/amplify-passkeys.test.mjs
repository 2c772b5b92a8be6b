// Passkeys through Amplify v6 in a real browser: a small app
// (amplify-app/, @aws-amplify/auth and @aws-amplify/core as an app uses
// them) bundled by esbuild when the test runs, served on
// http://localhost:PORT (a secure context whose relying party id is
// "localhost"), and driven in Debian's Chromium with the DevTools virtual
// authenticator standing in for the platform's passkey provider. The
// harness runs the server; the page reaches it across origins, as an app
// reaches Cognito.
//
// The journey: a password sign-in (USER_AUTH, PASSWORD), a passkey made by
// associateWebAuthnCredential and listed by listWebAuthnCredentials, a
// passkey sign-in (USER_AUTH, WEB_AUTHN) that yields the user's tokens and
// moves the authenticator's sign counter, the same chosen from
// SELECT_CHALLENGE with confirmSignIn, then deleteWebAuthnCredential, after
// which the passkey no longer signs in; then the same with a USB security
// key in place of the platform authenticator.
//
// Amplify's signIn requires a username, so a discoverable-credential
// sign-in (no username) cannot be made through it: the test checks that
// Amplify still refuses it.
//
// Chromium is /usr/bin/chromium (or CHROMIUM); without it the suite is
// skipped, except under CI=true, where that is a failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startHarness, launchChromium, haveChromium, chromiumPath } from './harness.mjs';

const app = path.join(path.dirname(fileURLToPath(import.meta.url)), 'amplify-app');
const USER = 'pia';

/** The app bundled as a browser loads it (esbuild, once per run). */
async function bundle() {
	const out = await build({
		entryPoints: [path.join(app, 'main.mjs')],
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'chrome120',
		write: false,
		logLevel: 'silent',
	});
	return out.outputFiles[0].contents;
}

/** Serves the page and its bundle on 127.0.0.1; resolves to the port. */
function serve(files) {
	const srv = http.createServer((req, res) => {
		const file = files[new URL(req.url, 'http://localhost').pathname];
		if (!file) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body);
	});
	return new Promise(resolve => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

/** A JWT's claims (the server's signature is Amplify's to check, not ours). */
function claims(jwt) {
	return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

test('passkeys through Amplify v6 in Chromium', { skip: !haveChromium && `no Chromium at ${chromiumPath}`, timeout: 120_000 }, async t => {
	const [h, js] = await Promise.all([startHarness(), bundle()]);
	const web = await serve({
		'/': { type: 'text/html; charset=utf-8', body: readFileSync(path.join(app, 'index.html')) },
		'/main.js': { type: 'text/javascript; charset=utf-8', body: js },
	});
	// localhost is the relying party id: the page is opened by that name,
	// which Chromium is told to find on 127.0.0.1, where the page is served.
	const browser = await launchChromium(['--host-resolver-rules=MAP localhost 127.0.0.1']);
	t.after(async () => {
		await browser.close();
		web.close();
		h.stop();
	});
	const seed = await h.call(`/passkeys/seed?user=${USER}`, { method: 'POST' });

	const ctx = await browser.newContext();
	const p = await ctx.newPage();
	p.setDefaultTimeout(15_000);
	const pageErrors = [];
	p.on('pageerror', err => pageErrors.push(err.message));
	const q = new URLSearchParams({ pool: seed.poolId, client: seed.clientId, endpoint: h.cognate });
	await p.goto(`http://localhost:${web.address().port}/?${q}`);
	await p.locator('#state', { hasText: 'ready' }).waitFor();
	assert.deepEqual(pageErrors, []);
	assert.equal(await p.evaluate(() => window.isSecureContext), true, 'http://localhost is a secure context');

	// The platform authenticator: a passkey provider that keeps discoverable
	// credentials and verifies its user.
	const cdp = await ctx.newCDPSession(p);
	await cdp.send('WebAuthn.enable');
	const authenticator = transport =>
		cdp.send('WebAuthn.addVirtualAuthenticator', {
			options: { protocol: 'ctap2', transport, hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
		});
	let { authenticatorId } = await authenticator('internal');
	const stored = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;

	/** Runs one of the app's Amplify calls in the page; its result or error. */
	const call = (name, ...args) => p.evaluate(([n, a]) => window.app[n](...a), [name, args]);
	const ok = async (name, ...args) => {
		const r = await call(name, ...args);
		assert.equal(r.error, undefined, `${name}: ${JSON.stringify(r.error)}`);
		return r.ok;
	};
	/** The signed-in user as Amplify has it, and the tokens' own claims. */
	const signedInAs = async () => {
		const user = await ok('getCurrentUser');
		const { accessToken, idToken } = await ok('tokens');
		assert.ok(accessToken && idToken, 'Amplify holds the tokens');
		const access = claims(accessToken), id = claims(idToken);
		assert.equal(access.token_use, 'access');
		assert.equal(id['cognito:username'], user.username);
		assert.equal(access.sub, user.userId);
		assert.equal(access.client_id, seed.clientId);
		return { username: user.username, access };
	};

	let sub;
	await t.test('password sign-in (USER_AUTH, PASSWORD)', async () => {
		const res = await ok('signIn', { username: USER, password: seed.password,
			options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' } });
		assert.deepEqual(res, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
		const me = await signedInAs();
		assert.equal(me.username, USER);
		sub = me.access.sub;
	});

	let credentialId;
	await t.test('associateWebAuthnCredential makes a passkey; listWebAuthnCredentials shows it', async () => {
		assert.deepEqual((await ok('listWebAuthnCredentials')).credentials, []);
		await ok('associateWebAuthnCredential');
		const made = await stored();
		assert.equal(made.length, 1, 'one credential on the authenticator');
		assert.equal(made[0].rpId, 'localhost');
		assert.equal(made[0].isResidentCredential, true, 'a discoverable credential, as the options required');
		assert.equal(Buffer.from(made[0].userHandle, 'base64').toString(), sub, 'the user handle is the sub');
		const { credentials } = await ok('listWebAuthnCredentials');
		assert.equal(credentials.length, 1);
		const c = credentials[0];
		credentialId = c.credentialId;
		assert.equal(credentialId, Buffer.from(made[0].credentialId, 'base64').toString('base64url'), 'the authenticator\'s credential');
		assert.equal(c.relyingPartyId, 'localhost');
		assert.equal(c.authenticatorAttachment, 'platform');
		assert.deepEqual(c.authenticatorTransports, ['internal']);
		assert.match(c.friendlyCredentialName, /^Platform passkey /);
		assert.ok(c.createdAt instanceof Date || !Number.isNaN(Date.parse(c.createdAt)), `createdAt ${c.createdAt}`);
		// A second passkey on the same authenticator is refused by the
		// browser itself: the options exclude the credential it holds.
		const again = await call('associateWebAuthnCredential');
		assert.equal(again.error?.name, 'PasskeyAlreadyExists', JSON.stringify(again));
		assert.equal((await stored()).length, 1);
	});

	await t.test('signOut, then passkey sign-in (USER_AUTH, WEB_AUTHN) gives the user\'s tokens', async () => {
		await ok('signOut');
		assert.equal((await call('getCurrentUser')).error?.name, 'UserUnAuthenticatedException');
		const before = (await stored())[0].signCount;
		const res = await ok('signIn', { username: USER, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
		assert.deepEqual(res, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
		const me = await signedInAs();
		assert.equal(me.username, USER);
		assert.equal(me.access.sub, sub);
		const after = (await stored())[0].signCount;
		assert.ok(after > before, `the sign count rose (${before} → ${after})`);
		// The refresh token of a passkey sign-in works as any other.
		const { accessToken } = await ok('tokens', true);
		const refreshed = claims(accessToken);
		assert.equal(refreshed.sub, sub);
		assert.notEqual(refreshed.jti, me.access.jti, 'new tokens');
	});

	await t.test('USER_AUTH without a preference: WEB_AUTHN chosen with confirmSignIn', async () => {
		await ok('signOut');
		const before = (await stored())[0].signCount;
		const res = await ok('signIn', { username: USER, options: { authFlowType: 'USER_AUTH' } });
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(res));
		assert.deepEqual(res.nextStep.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
		const done = await ok('confirmSignIn', { challengeResponse: 'WEB_AUTHN' });
		assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
		assert.equal((await signedInAs()).access.sub, sub);
		assert.ok((await stored())[0].signCount > before, 'the passkey signed in');
	});

	await t.test('no discoverable-credential sign-in: Amplify\'s signIn requires a username', async () => {
		// Should Amplify come to allow it, a sign-in by passkey alone
		// belongs here.
		await ok('signOut');
		const res = await call('signIn', { username: '', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
		assert.equal(res.error?.name, 'EmptySignInUsername', JSON.stringify(res));
	});

	await t.test('deleteWebAuthnCredential, then the passkey no longer signs in', async () => {
		await ok('signIn', { username: USER, password: seed.password,
			options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' } });
		await ok('deleteWebAuthnCredential', credentialId);
		assert.deepEqual((await ok('listWebAuthnCredentials')).credentials, []);
		await ok('signOut');
		const before = (await stored())[0].signCount;
		// The user has no passkey left: WEB_AUTHN is not offered, and
		// choosing it anyway is refused by name.
		const res = await ok('signIn', { username: USER, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
		assert.equal(res.isSignedIn, false);
		assert.equal(res.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(res));
		assert.deepEqual(res.nextStep.availableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
		const chosen = await call('confirmSignIn', { challengeResponse: 'WEB_AUTHN' });
		assert.equal(chosen.error?.name, 'InvalidParameterException', JSON.stringify(chosen));
		assert.match(chosen.error.message, /WEB_AUTHN/);
		assert.equal((await stored())[0].signCount, before, 'the authenticator was not asked');
		assert.equal((await call('getCurrentUser')).error?.name, 'UserUnAuthenticatedException');
	});

	await t.test('a security key (USB, cross-platform) registers and signs in too', async () => {
		await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
		({ authenticatorId } = await authenticator('usb'));
		await ok('signIn', { username: USER, password: seed.password,
			options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' } });
		await ok('associateWebAuthnCredential');
		const { credentials } = await ok('listWebAuthnCredentials');
		assert.equal(credentials.length, 1);
		assert.equal(credentials[0].authenticatorAttachment, 'cross-platform');
		assert.deepEqual(credentials[0].authenticatorTransports, ['usb']);
		assert.match(credentials[0].friendlyCredentialName, /^Security key /);
		await ok('signOut');
		const res = await ok('signIn', { username: USER, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
		assert.deepEqual(res, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
		assert.equal((await signedInAs()).access.sub, sub);
	});
});
