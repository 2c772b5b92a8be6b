// The hosted sign-in pages in a real browser: Debian's Chromium driven by
// playwright-core, on behalf of a relying party (golang.org/x/oauth2 and
// go-oidc, in harness/) that knows Cognate only from its discovery
// document. The harness also runs the server, with a clock this test
// moves instead of waiting for the next TOTP step.
//
// Every page is checked with axe-core (WCAG 2.1 A and AA), and saved as a
// screenshot: into a fresh temporary directory, or into the directory
// COGNATE_SCREENSHOTS names (COGNATE_SCREENSHOTS=e2e/browser/screenshots
// refreshes the README's pictures).
//
// Chromium is /usr/bin/chromium (or CHROMIUM); without it the suite is
// skipped, except under CI=true, where that is a failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness, launchChromium, audit, fits, shots, haveChromium, chromiumPath, openPage, snapshot, fieldError,
	signedIn as signedInAt } from './harness.mjs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const PASSWORD = 'Corr3ct-Horse!';

/** The harness, with the calls of its control API these tests use. */
async function startHostedHarness() {
	const h = await startHarness();
	const call = h.call;
	return {
		...h,
		advance: s => call(`/advance?seconds=${s}`, { method: 'POST' }),
		totp: async secret => (await call(`/totp?secret=${encodeURIComponent(secret)}`)).code,
		code: async (pool, user) => (await call(`/code?pool=${pool}&user=${user}`)).code,
		result: () => call('/result'),
		devices: async (pool, user) => (await call(`/devices?pool=${pool}&user=${user}`)) || [],
		/** The development outbox of the server, searched by a user's name. */
		outbox: async (pool, name) => {
			const r = await fetch(`${h.cognate}/_cognate/outbox?pool=${pool}&username=${encodeURIComponent(name)}`);
			if (!r.ok) throw new Error(`outbox: ${r.status} ${await r.text()}`);
			return r.json();
		},
	};
}

const page = snapshot;

test('hosted sign-in pages in Chromium', { skip: !haveChromium && `no Chromium at ${chromiumPath}`, timeout: 240_000 }, async t => {
	const h = await startHostedHarness();
	const browser = await launchChromium();
	t.after(async () => {
		await browser.close();
		h.stop();
		t.diagnostic(`screenshots in ${shots}`);
	});
	const mfa = h.apps.mfa, plain = h.apps.plain;
	const newContext = viewport => openPage(browser, viewport);
	const signedIn = (p, app, user) => signedInAt(h, p, app, user);

	const a = await newContext();
	let secret;

	await t.test('sign up, confirm with the emailed code', async () => {
		await a.goto(`${h.rp}/start/mfa`);
		await a.locator('form[action="/login"]').waitFor();
		await page(a, '01-login');
		await a.getByRole('link', { name: 'Sign up' }).click();
		// The pool's password rules are shown before the user types.
		const rules = ['at least 8 characters', 'an uppercase letter', 'a lowercase letter', 'a number', 'a symbol, such as ! @ # $ % ^ & *'];
		assert.deepEqual((await a.locator('#password-rules li').allTextContents()).map(x => x.trim()), rules);
		await a.getByLabel('Username').fill('alice');
		await a.getByLabel('Email').fill('alice@example.com');
		await a.getByLabel('Password').fill('short');
		await a.getByRole('button', { name: 'Sign up' }).click();
		// A refusal names every unmet rule, in words, not the API's text.
		assert.equal(await fieldError(a, 'password'),
			'This password is missing: at least 8 characters; an uppercase letter; a number; a symbol, such as ! @ # $ % ^ & *.');
		assert.deepEqual(await a.locator('#password-rules li.unmet').allTextContents(), [rules[0], rules[1], rules[3], rules[4]]);
		await page(a, '02-signup-error');
		await a.getByLabel('Password').fill(PASSWORD);
		await a.getByRole('button', { name: 'Sign up' }).click();
		await a.locator('form[action="/confirm"]').waitFor();
		await page(a, '03-confirm');
		// A new code can be asked for; the newest one confirms.
		const first = await h.code(mfa.poolId, 'alice');
		await a.getByRole('button', { name: 'Send a new code' }).click();
		await a.getByText('We have sent a new code').waitFor();
		assert.equal((await h.outbox(mfa.poolId, 'alice')).length, 2, 'a second code was sent');
		const second = await h.code(mfa.poolId, 'alice');
		assert.equal(await a.getByLabel('Username').inputValue(), 'alice');
		await a.getByLabel('Confirmation code').fill(second);
		await a.getByRole('button', { name: 'Confirm account' }).click();
		await a.getByText('Your account is confirmed').waitFor();
	});

	await t.test('set up the authenticator from the QR code', async () => {
		await a.getByLabel('Password').fill(PASSWORD);
		await a.getByRole('button', { name: 'Sign in' }).click();
		await a.locator('#secret').waitFor();
		secret = (await a.locator('#secret').textContent()).trim();
		const checkQR = async when => {
			// The QR code as Chromium drew it, read by an independent decoder.
			const png = PNG.sync.read(await a.locator('.qr svg').screenshot());
			const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
			assert.ok(qr, `${when}: the QR code does not decode`);
			const uri = new URL(qr.data);
			assert.equal(uri.protocol, 'otpauth:');
			assert.equal(uri.host, 'totp');
			assert.equal(decodeURIComponent(uri.pathname), '/browser-mfa:alice', `${when}: the account label`);
			assert.equal(uri.searchParams.get('secret'), secret);
			assert.equal(uri.searchParams.get('issuer'), 'browser-mfa');
		};
		await checkQR('first shown');
		await page(a, '04-mfa-setup');
		// A wrong code shows the page again, with the same QR code: the
		// account is still named by the sign-in name, not the internal id.
		const good = await h.totp(secret);
		await a.getByLabel('Authenticator code').fill(good === '000000' ? '111111' : '000000');
		await a.getByRole('button', { name: 'Verify and sign in' }).click();
		// In words for a person, not the API's "Code mismatch and fail enable Software Token MFA".
		assert.equal(await fieldError(a, 'code'), 'That code is not right. Check it and try again.');
		await checkQR('after a wrong code');
		// The key is shown in groups of four; a click selects all of it,
		// and what is copied is the key without spaces.
		const groups = await a.locator('#secret span').allTextContents();
		assert.equal(groups.join(''), secret);
		assert.ok(groups.length > 1 && groups.every((g, i) => g.length === 4 || (i === groups.length - 1 && g.length > 0)), `groups: ${groups}`);
		const [x0, x1] = await a.locator('#secret span').evaluateAll(s => s.slice(0, 2).map(e => e.getBoundingClientRect()));
		assert.ok(x1.left - x0.right >= 4 || x1.top > x0.top, 'the groups are apart');
		await a.locator('#secret span').nth(2).click();
		assert.equal(await a.evaluate(() => window.getSelection().toString()), secret, 'a click selects the whole key');
		await a.getByLabel('Authenticator code').fill(await h.totp(secret));
		await a.getByRole('button', { name: 'Verify and sign in' }).click();
	});

	await t.test('remember this device, land on the callback', async () => {
		await a.getByRole('button', { name: 'Remember this device' }).waitFor();
		await page(a, '05-remember-device');
		await a.getByRole('button', { name: 'Remember this device' }).click();
		const res = await signedIn(a, 'mfa', 'alice');
		assert.equal(res.claims.email, 'alice@example.com');
		await a.screenshot({ path: path.join(shots, '06-callback.png') });
		const devices = await h.devices(mfa.poolId, 'alice');
		assert.equal(devices.length, 1);
		assert.equal(devices[0]['dev:device_remembered_status'], 'remembered');
	});

	await t.test('a second authorize within the session skips the password', async () => {
		await a.goto(`${h.rp}/start/mfa`);
		await signedIn(a, 'mfa', 'alice');
	});

	await t.test('sign out; the remembered device then skips the code (keyboard only)', async () => {
		await a.goto(`${h.cognate}/logout?client_id=${mfa.clientId}&logout_uri=${encodeURIComponent(h.rp + '/bye')}`);
		await a.locator('#bye').waitFor();
		await a.goto(`${h.rp}/start/mfa`);
		await a.locator('form[action="/login"]').waitFor();
		const focused = () => a.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
		await a.keyboard.press('Tab');
		assert.equal(await focused(), 'username');
		await a.keyboard.type('alice');
		await a.keyboard.press('Tab');
		assert.equal(await focused(), 'password');
		await a.keyboard.type(PASSWORD);
		await a.keyboard.press('Enter');
		await signedIn(a, 'mfa', 'alice');
	});

	await t.test('another browser: login_hint, a wrong code, then the right one', async () => {
		const b = await newContext();
		await b.goto(`${h.rp}/start/mfa?login_hint=alice`);
		assert.equal(await b.getByLabel('Username').inputValue(), 'alice');
		await b.getByLabel('Password').fill(PASSWORD);
		await b.getByRole('button', { name: 'Sign in' }).click();
		await b.locator('form[action="/mfa"]').waitFor();
		assert.equal(await b.locator('#secret').count(), 0, 'the set-up was shown again');
		await h.advance(30); // the set-up's code is spent: the next step's
		const good = await h.totp(secret);
		await b.getByLabel('Authenticator code').fill(good === '000000' ? '111111' : '000000');
		await b.getByRole('button', { name: 'Sign in' }).click();
		assert.equal(await fieldError(b, 'code'), 'That code is not right. Check it and try again.');
		await page(b, '07-mfa-wrong-code');
		await b.getByLabel('Authenticator code').fill(good);
		await b.getByRole('button', { name: 'Sign in' }).click();
		await b.getByRole('button', { name: "Don't remember" }).click();
		await signedIn(b, 'mfa', 'alice');
		assert.equal((await h.devices(mfa.poolId, 'alice')).length, 1, 'the declined device was kept');
		await b.context().close();
	});

	await t.test('forgot password, reset with the code', async () => {
		const c = await newContext();
		await c.goto(`${h.rp}/start/plain`);
		await c.getByRole('link', { name: 'Forgot your password?' }).click();
		await c.locator('form[action="/forgotPassword"]').waitFor();
		await page(c, '08-forgot-password');
		await c.getByLabel('Username').fill('rae');
		await c.getByRole('button', { name: 'Reset my password' }).click();
		await c.locator('form[action="/confirmForgotPassword"]').waitFor();
		await page(c, '09-reset-password');
		const resetCode = await h.code(plain.poolId, 'rae');
		await c.getByLabel('Reset code').fill(resetCode);
		await c.getByLabel('New password', { exact: true }).fill('weakweak');
		await c.getByLabel('Enter the new password again').fill('weakweak');
		await c.getByRole('button', { name: 'Change password' }).click();
		assert.equal(await fieldError(c, 'password'), 'This password is missing: an uppercase letter; a number; a symbol, such as ! @ # $ % ^ & *.');
		assert.equal(await c.getByLabel('Reset code').inputValue(), resetCode, 'the code is kept after a refused password');
		await c.getByLabel('New password', { exact: true }).fill('N3w-Passw0rd!');
		await c.getByLabel('Enter the new password again').fill('N3w-Passw0rd!');
		await c.getByRole('button', { name: 'Change password' }).click();
		await c.getByText('Your password has been reset').waitFor();
		await c.getByLabel('Password').fill('N3w-Passw0rd!');
		await c.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(c, 'plain', 'rae');
		await c.context().close();
	});

	await t.test('an invited user chooses a password', async () => {
		const c = await newContext();
		await c.goto(`${h.rp}/start/plain`);
		await c.getByLabel('Username').fill('nina');
		await c.getByLabel('Password').fill('Temp-Passw0rd!');
		await c.getByRole('button', { name: 'Sign in' }).click();
		await c.locator('form[action="/newPassword"]').waitFor();
		assert.equal(await c.locator('#password-rules li').count(), 5, 'the password rules are shown');
		await c.getByLabel('New password', { exact: true }).fill('Sh0rt!');
		await c.getByLabel('Enter the new password again').fill('Sh0rt!');
		await c.getByLabel('Given name').fill('Nina');
		await c.getByRole('button', { name: 'Change password and sign in' }).click();
		assert.equal(await fieldError(c, 'password'), 'This password is missing: at least 8 characters.');
		assert.deepEqual(await c.locator('#password-rules li.unmet').allTextContents(), ['at least 8 characters']);
		await c.getByLabel('New password', { exact: true }).fill(PASSWORD);
		await c.getByLabel('Enter the new password again').fill(PASSWORD);
		await c.getByLabel('Given name').fill('Nina');
		await page(c, '10-new-password');
		await c.getByRole('button', { name: 'Change password and sign in' }).click();
		const res = await signedIn(c, 'plain', 'nina');
		assert.equal(res.userInfo.given_name, 'Nina');
		await c.context().close();
	});

	await t.test('a pool that signs in by email', async () => {
		const e = await newContext();
		const pool = h.apps.email.poolId;
		const dora = 'dora@example.com';
		await e.goto(`${h.rp}/start/email`);
		await e.locator('form[action="/login"]').waitFor();
		// The sign-in name is labelled by what the pool accepts.
		const label = async () => (await e.locator('label[for="username"]').textContent()).trim();
		assert.equal(await label(), 'Email', 'sign-in page');
		assert.equal(await e.locator('#username').getAttribute('type'), 'email');
		await e.getByRole('link', { name: 'Forgot your password?' }).click();
		await e.locator('form[action="/forgotPassword"]').waitFor();
		assert.equal(await label(), 'Email', 'forgot-password page');
		assert.match(await e.locator('main').textContent(), /Enter your email and we will send you a code/);
		await e.getByRole('link', { name: 'Back to sign in' }).click();
		await e.getByRole('link', { name: 'Sign up' }).click();
		await e.getByLabel('Email').fill(dora);
		await e.getByLabel('Password').fill(PASSWORD);
		await e.getByRole('button', { name: 'Sign up' }).click();
		await e.locator('form[action="/confirm"]').waitFor();
		// The outbox finds the code by the email the user signed up with,
		// though the server keeps it under the generated username.
		const byEmail = await h.outbox(pool, dora);
		assert.equal(byEmail.length, 1, 'outbox by email');
		assert.notEqual(byEmail[0].username, dora, 'the username is generated');
		assert.deepEqual(await h.outbox(pool, byEmail[0].username), byEmail, 'outbox by the generated username');
		assert.deepEqual(await h.outbox('', dora), byEmail, 'outbox by email without the pool');
		assert.equal(await h.code(pool, encodeURIComponent(dora)), byEmail[0].code, 'the harness finds it too');
		await e.locator('[id="code"]').fill(byEmail[0].code);
		await e.getByRole('button', { name: 'Confirm account' }).click();
		await e.getByText('Your account is confirmed').waitFor();
		assert.equal(await label(), 'Email', 'sign-in page after confirmation');
		assert.equal(await e.getByLabel('Email').inputValue(), dora);
		await e.getByLabel('Password').fill(PASSWORD);
		await e.getByRole('button', { name: 'Sign in' }).click();
		await e.locator('#secret').waitFor();
		const secret = (await e.locator('#secret').textContent()).replace(/\s/g, '');
		const good = await h.totp(secret);
		await e.getByLabel('Authenticator code').fill(good === '000000' ? '111111' : '000000');
		await e.getByRole('button', { name: 'Verify and sign in' }).click();
		await e.locator('[id="code-error"]').waitFor();
		// After a wrong code the QR code still names the account by the
		// email the user signed in with, not the internal user id.
		const png = PNG.sync.read(await e.locator('.qr svg').screenshot());
		const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
		assert.ok(qr, 'the QR code does not decode');
		assert.equal(decodeURIComponent(new URL(qr.data).pathname), '/browser-email:' + dora);
		await e.getByLabel('Authenticator code').fill(good);
		await e.getByRole('button', { name: 'Verify and sign in' }).click();
		const res = await signedIn(e, 'email');
		assert.equal(res.claims.email, dora);
		assert.equal(res.claims['cognito:username'], byEmail[0].username);
		await e.context().close();
	});

	await t.test('error pages speak to people and lead back', async () => {
		const x = await newContext();
		const mainText = async () => (await x.locator('main').textContent()).replace(/\s+/g, ' ');
		// A callback the app did not register: no OAuth code on the page,
		// and a link back to the application's registered sign-out page.
		const q = new URLSearchParams({ client_id: plain.clientId, response_type: 'code', scope: 'openid',
			redirect_uri: 'https://elsewhere.example/callback' });
		await x.goto(`${h.cognate}/oauth2/authorize?${q}`);
		let text = await mainText();
		assert.doesNotMatch(text, /redirect_mismatch|invalid_request/);
		assert.match(text, /has not registered/);
		const back = x.getByRole('link', { name: 'Back to Browser test app' });
		assert.equal(await back.getAttribute('href'), `${h.rp}/bye`);
		await page(x, '13-error-redirect');
		// A changed (tampered) form is not called expired.
		await x.goto(`${h.rp}/start/plain`);
		await x.locator('form[action="/login"]').waitFor();
		await x.locator('input[name="request"]').evaluate(e => { e.value = e.value.slice(0, -4) + (e.value.endsWith('AAAA') ? 'BBBB' : 'AAAA'); });
		await x.getByLabel('Username').fill('rae');
		await x.getByLabel('Password').fill('N3w-Passw0rd!');
		await x.getByRole('button', { name: 'Sign in' }).click();
		await x.locator('#form-error').waitFor();
		text = await mainText();
		assert.doesNotMatch(text, /expired|invalid_request/);
		assert.match(text, /could not be read/);
		// A form whose CSRF cookie is gone leads back to the sign-in page.
		await x.goto(`${h.rp}/start/plain`);
		await x.locator('form[action="/login"]').waitFor();
		await x.context().clearCookies();
		await x.getByLabel('Username').fill('rae');
		await x.getByLabel('Password').fill('N3w-Passw0rd!');
		await x.getByRole('button', { name: 'Sign in' }).click();
		await x.locator('#form-error').waitFor();
		assert.doesNotMatch(await mainText(), /CSRF|invalid_request/);
		await audit(x, 'error page (CSRF)');
		await x.getByRole('link', { name: 'Back to sign in' }).click();
		await x.getByLabel('Username').fill('rae');
		await x.getByLabel('Password').fill('N3w-Passw0rd!');
		await x.getByRole('button', { name: 'Sign in' }).click();
		await signedIn(x, 'plain', 'rae');
		await x.context().close();
	});

	await t.test('PreventUserExistenceErrors: LEGACY tells, ENABLED does not', async () => {
		const attempt = async (app, user) => {
			const x = await newContext();
			await x.goto(`${h.rp}/start/${app}`);
			await x.getByLabel('Username').fill(user);
			await x.getByLabel('Password').fill('Wr0ng-Passw0rd!');
			await x.getByRole('button', { name: 'Sign in' }).click();
			await x.locator('[aria-invalid="true"]').first().waitFor();
			const shown = await x.locator('main').evaluate(m => {
				const bad = [...m.querySelectorAll('[aria-invalid="true"]')].map(e => e.id);
				const errs = [...m.querySelectorAll('.err, .alert')].map(e => e.textContent.trim());
				return { bad, errs };
			});
			await x.getByRole('link', { name: 'Forgot your password?' }).click();
			await x.getByLabel('Username').fill(user);
			await x.getByRole('button', { name: 'Reset my password' }).click();
			await x.locator('h1').waitFor();
			shown.forgot = (await x.locator('h1').textContent()).trim();
			await x.context().close();
			return shown;
		};
		// The default (LEGACY, as in Cognito): an unknown name is told apart.
		const legacyNobody = await attempt('plain', 'nobody'), legacyRae = await attempt('plain', 'rae');
		assert.notDeepEqual(legacyNobody, legacyRae, 'LEGACY tells whether the account exists');
		// ENABLED: the same page for an unknown name as for a wrong password.
		const nobody = await attempt('quiet', 'nobody'), rae = await attempt('quiet', 'rae');
		assert.deepEqual(nobody, rae, 'ENABLED does not tell whether the account exists');
		assert.equal(rae.forgot, 'Reset your password');
	});

	await t.test('a phone-width screen (375 px)', async () => {
		const m = await newContext({ width: 375, height: 812 });
		await m.goto(`${h.rp}/start/mfa`);
		await m.locator('form[action="/login"]').waitFor();
		await fits(m, 'login');
		await page(m, '11-phone-login');
		await m.getByRole('link', { name: 'Forgot your password?' }).click();
		await fits(m, 'forgot password');
		await m.goBack();
		await m.getByRole('link', { name: 'Sign up' }).click();
		await fits(m, 'sign up');
		await m.getByLabel('Username').fill('bob');
		await m.getByLabel('Email').fill('bob@example.com');
		await m.getByLabel('Password').fill(PASSWORD);
		await m.getByRole('button', { name: 'Sign up' }).click();
		await m.getByLabel('Confirmation code').fill(await h.code(mfa.poolId, 'bob'));
		await fits(m, 'confirm');
		await m.getByRole('button', { name: 'Confirm account' }).click();
		await m.getByLabel('Password').fill(PASSWORD);
		await m.getByRole('button', { name: 'Sign in' }).click();
		await m.locator('#secret').waitFor();
		await fits(m, 'authenticator set-up');
		await page(m, '12-phone-mfa-setup');
		await m.context().close();
	});

	await t.test('sign in through an OIDC provider ("Sign in with Upstream")', async () => {
		const f = await newContext();
		await f.goto(`${h.rp}/start/fed`);
		const button = f.getByRole('link', { name: 'Sign in with Upstream' });
		await button.waitFor();
		await page(f, '14-federated-login');
		await button.click();
		// The provider's own sign-in page (another pool of the server).
		await f.locator('form[action="/login"]').waitFor();
		assert.equal(await f.locator('.app').textContent(), 'Federating pool');
		await f.getByLabel('Username').fill('uma');
		await f.getByLabel('Password').fill(PASSWORD);
		await f.getByRole('button', { name: 'Sign in' }).click();
		const res = await signedIn(f, 'fed');
		assert.match(res.claims['cognito:username'], /^Upstream_[0-9a-f-]{36}$/);
		assert.equal(res.claims.email, 'uma@example.com');
		assert.equal(res.claims.identities[0].providerName, 'Upstream');
		assert.ok(res.claims['cognito:groups'].includes(`${h.apps.fed.poolId}_Upstream`));
		await f.context().close();
	});

	await t.test('a linked user signs in either way as one user', async () => {
		// lena's password, then leo at the provider (linked to lena): the same sub.
		const n = await newContext();
		await n.goto(`${h.rp}/start/fed`);
		await n.getByLabel('Username').fill('lena');
		await n.getByLabel('Password').fill(PASSWORD);
		await n.getByRole('button', { name: 'Sign in' }).click();
		const native = await signedIn(n, 'fed', 'lena');
		await n.context().close();
		const l = await newContext();
		await l.goto(`${h.rp}/start/fed`);
		await l.getByRole('link', { name: 'Sign in with Upstream' }).click();
		await l.locator('form[action="/login"]').waitFor();
		await l.getByLabel('Username').fill('leo');
		await l.getByLabel('Password').fill(PASSWORD);
		await l.getByRole('button', { name: 'Sign in' }).click();
		const linked = await signedIn(l, 'fed', 'lena');
		assert.equal(linked.claims.sub, native.claims.sub);
		assert.equal(linked.claims.identities[0].providerName, 'Upstream');
		await l.context().close();
	});
});
