// Passkeys, one-time codes and the MFA choice on the hosted pages, in
// Debian's Chromium driven by playwright-core, on behalf of the harness's
// relying party (harness/passwordless.go makes the apps). Passkeys are
// made and used by the DevTools virtual authenticator (a CTAP2 platform
// authenticator that verifies the user), on pages served at
// http://localhost:PORT: a secure context, and "localhost" is the pool's
// relying party id.
//
// Every new page is checked with axe-core (WCAG 2.1 A and AA) and at a
// phone's width; screenshots go where harness.mjs says. Without Chromium
// the suite is skipped, except under CI=true, where that is a failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, launchChromium, fits, shots, haveChromium, chromiumPath, openPage, snapshot, fieldError, signedIn } from './harness.mjs';

const PASSWORD = 'Corr3ct-Horse!';

/** A CTAP2 platform authenticator that keeps discoverable credentials and
 * verifies the user, with the user's presence simulated. */
const platformAuthenticator = {
	protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
	automaticPresenceSimulation: true,
};

/** Audits the page, checks it fits the viewport, and saves a screenshot. */
async function page(p, name) {
	await fits(p, name);
	await snapshot(p, name);
}

test('passkeys, codes and the MFA choice on the hosted pages', { skip: !haveChromium && `no Chromium at ${chromiumPath}`, timeout: 240_000 }, async t => {
	const h = await startHarness();
	const browser = await launchChromium();
	t.after(async () => {
		await browser.close();
		h.stop();
		t.diagnostic(`screenshots in ${shots}`);
	});
	const code = async (pool, user) => (await h.call(`/code?pool=${pool}&user=${user}`)).code;
	const outbox = async (pool, user) => (await fetch(`${h.cognate}/_cognate/outbox?pool=${pool}&username=${user}`)).json();
	const local = h.cognate.replace('127.0.0.1', 'localhost');
	const pk = h.apps.passkey, codes = h.apps.codes;

	const newPage = viewport => openPage(browser, viewport);
	/** The page's virtual authenticator (WebAuthn's DevTools domain). */
	const authenticator = async p => {
		const cdp = await p.context().newCDPSession(p);
		await cdp.send('WebAuthn.enable');
		const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: platformAuthenticator });
		return { cdp, authenticatorId, credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
	};
	const startAt = async (p, app, user) => {
		await p.goto(`${h.rp}/start/${app}`);
		await p.locator('form[action="/login"]').waitFor();
		if (user) await p.getByLabel('Username').fill(user);
	};

	const a = await newPage();
	const auth = await authenticator(a);

	await t.test('the sign-in page offers the pool\'s first factors; a password sign-in offers a passkey, which is made', async () => {
		await startAt(a, 'passkey', 'pia');
		assert.ok(a.url().startsWith(local + '/login'), `the pages are served at localhost: ${a.url()}`);
		for (const name of ['Sign in', 'Email me a code', 'Text me a code', 'Sign in with a passkey']) {
			await a.getByRole('button', { name, exact: true }).waitFor();
		}
		await page(a, 'passkeys-01-login-factors');
		await a.getByLabel('Password').fill(PASSWORD);
		await a.getByRole('button', { name: 'Sign in', exact: true }).click();
		await a.getByRole('heading', { name: 'Add a passkey?' }).waitFor();
		await a.getByRole('button', { name: 'Add a passkey' }).waitFor(); // shown by the page's script
		await page(a, 'passkeys-02-add-passkey');
		await a.getByRole('button', { name: 'Add a passkey' }).click();
		await signedIn(h, a, 'passkey', 'pia');
		const creds = await auth.credentials();
		assert.equal(creds.length, 1, 'the authenticator holds one passkey');
		assert.equal(creds[0].rpId, 'localhost');
		assert.ok(creds[0].isResidentCredential, 'a discoverable credential');
	});

	await t.test('sign out, then sign in with the passkey', async () => {
		await a.goto(`${local}/logout?client_id=${pk.clientId}&logout_uri=${encodeURIComponent(h.rp + '/bye')}`);
		await a.locator('#bye').waitFor();
		await startAt(a, 'passkey', 'pia');
		await a.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await a.getByRole('heading', { name: 'Sign in with a passkey' }).waitFor();
		await a.getByRole('button', { name: 'Use my passkey' }).waitFor();
		await page(a, 'passkeys-03-passkey');
		const before = (await auth.credentials())[0].signCount;
		await a.getByRole('button', { name: 'Use my passkey' }).click();
		// A user with a passkey is not offered another.
		await signedIn(h, a, 'passkey', 'pia');
		assert.ok((await auth.credentials())[0].signCount > before, 'the authenticator signed');
	});

	await t.test('a passkey answer that is not this sign-in\'s is refused', async () => {
		const b = await newPage();
		await startAt(b, 'passkey', 'pia');
		await b.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await b.getByRole('button', { name: 'Use my passkey' }).waitFor();
		// No authenticator in this browser: the form is sent with a made-up
		// assertion instead.
		await b.evaluate(() => {
			const f = document.querySelector('form[action="/passkey"]');
			f.querySelector('[name=credential]').value = JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key',
				response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' } });
			f.submit();
		});
		await b.getByText('Your passkey could not be checked').waitFor();
		assert.equal(await b.locator('form[action="/login"]').count(), 1, 'back on the sign-in page');
		// Without a passkey the factor is not there for a user.
		await b.getByLabel('Username').fill('quinn');
		await b.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await b.getByText('This way of signing in is not set up for this account').waitFor();
		await b.context().close();
	});

	await t.test('a removed authenticator cannot sign in', async () => {
		await a.goto(`${local}/logout?client_id=${pk.clientId}&logout_uri=${encodeURIComponent(h.rp + '/bye')}`);
		await a.locator('#bye').waitFor();
		await auth.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: auth.authenticatorId });
		// An authenticator without the passkey stands in for the removed one.
		const other = await auth.cdp.send('WebAuthn.addVirtualAuthenticator', { options: platformAuthenticator });
		await startAt(a, 'passkey', 'pia');
		await a.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await a.getByRole('button', { name: 'Use my passkey' }).click();
		await a.getByText('The passkey was not used').waitFor({ timeout: 60_000 });
		assert.equal(await a.locator('#done').count(), 0);
		await auth.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: other.authenticatorId });
	});

	await t.test('"Not now" skips the passkey; an emailed code signs in', async () => {
		const q = await newPage();
		await startAt(q, 'passkey', 'quinn');
		await q.getByLabel('Password').fill(PASSWORD);
		await q.getByRole('button', { name: 'Sign in', exact: true }).click();
		await q.getByRole('button', { name: 'Not now' }).click();
		await signedIn(h, q, 'passkey', 'quinn');
		await q.context().close();

		const e = await newPage();
		await startAt(e, 'passkey', 'pia');
		await e.getByRole('button', { name: 'Email me a code' }).click();
		await e.getByText('We sent a code by email to p***@e***').waitFor();
		const right = await code(pk.poolId, 'pia');
		await e.getByLabel('Code').fill(right === '000000' ? '000001' : '000000');
		await e.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await fieldError(e, 'code'), 'That code is not right. Check it and try again.');
		await page(e, 'passkeys-04-email-code-error');
		await e.getByLabel('Code').fill(right);
		await e.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(h, e, 'passkey', 'pia');
		await e.context().close();
	});

	await t.test('a texted code signs in as the first factor', async () => {
		const s = await newPage();
		await startAt(s, 'passkey', 'pia');
		await s.getByRole('button', { name: 'Text me a code' }).click();
		await s.getByText('We sent a code by text message to +*******0100').waitFor();
		const sent = (await outbox(pk.poolId, 'pia')).length;
		await Promise.all([s.waitForNavigation(), s.getByRole('button', { name: 'Send a new code' }).click()]);
		assert.equal((await outbox(pk.poolId, 'pia')).length, sent + 1, 'a new code was sent');
		await s.getByLabel('Code').fill(await code(pk.poolId, 'pia'));
		await s.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(h, s, 'passkey', 'pia');
		await s.context().close();
	});

	const phone = { width: 375, height: 812 };

	await t.test('SMS MFA and email MFA code screens (at a phone\'s width)', async () => {
		const s = await newPage(phone);
		await startAt(s, 'codes', 'sam');
		// The codes app's client does not allow USER_AUTH: the password only.
		assert.equal(await s.getByRole('button', { name: 'Email me a code' }).count(), 0);
		await s.getByLabel('Password').fill(PASSWORD);
		await s.getByRole('button', { name: 'Sign in' }).click();
		await s.getByText('We sent a code by text message to +*******0101').waitFor();
		await page(s, 'passkeys-05-sms-mfa');
		// A wrong code keeps the page, with the error at the field.
		const right = await code(codes.poolId, 'sam');
		await s.getByLabel('Code').fill(right === '999999' ? '999998' : '999999');
		await s.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await fieldError(s, 'code'), 'That code is not right. Check it and try again.');
		await s.getByLabel('Code').fill(right);
		await s.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(h, s, 'codes', 'sam');
		await s.context().close();

		const e = await newPage(phone);
		await startAt(e, 'codes', 'eve');
		await e.getByLabel('Password').fill(PASSWORD);
		await e.getByRole('button', { name: 'Sign in' }).click();
		await e.getByText('We sent a code by email to e***@e***').waitFor();
		await page(e, 'passkeys-06-email-mfa');
		await e.getByLabel('Code').fill(await code(codes.poolId, 'eve'));
		await e.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(h, e, 'codes', 'eve');
		await e.context().close();
	});

	await t.test('the MFA choice', async () => {
		const m = await newPage(phone);
		await startAt(m, 'codes', 'max');
		await m.getByLabel('Password').fill(PASSWORD);
		await m.getByRole('button', { name: 'Sign in' }).click();
		await m.getByRole('heading', { name: 'Choose how to confirm it is you' }).waitFor();
		assert.deepEqual((await m.locator('form[action="/mfa/select"] button').allTextContents()).map(x => x.trim()),
			['Text me a code', 'Email me a code']);
		await page(m, 'passkeys-07-mfa-choice');
		await m.getByRole('button', { name: 'Email me a code' }).click();
		await m.getByText('We sent a code by email to').waitFor();
		assert.equal((await outbox(codes.poolId, 'max')).length, 1, 'one code sent, by email');
		await m.getByLabel('Code').fill(await code(codes.poolId, 'max'));
		await m.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(h, m, 'codes', 'max');
		await m.context().close();
	});
});
