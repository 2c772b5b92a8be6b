// SAML sign-in in a real browser: Debian's Chromium, driven by
// playwright-core, signs in to the relying party's app (harness/) through
// "Corp", a SAML 2.0 identity provider that Cognate did not write
// (crewjam/saml's samlidp, run by the harness): Cognate's sign-in page,
// the IdP's own login form, the IdP's HTTP-POST back to
// /saml2/idpresponse, and tokens the relying party verifies from
// Cognate's discovery document alone; sign-out through the IdP's single
// logout. Then a native user linked to an IdP identity signs in either
// way as one user.
//
// Cognate's pages are audited with axe-core; the IdP's page is not ours.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startHarness, launchChromium, audit, shots, haveChromium, chromiumPath } from './harness.mjs';

const PASSWORD = 'Corr3ct-Horse!';

test('SAML sign-in in Chromium', { skip: !haveChromium && `no Chromium at ${chromiumPath}`, timeout: 180_000 }, async t => {
	const h = await startHarness();
	const browser = await launchChromium();
	t.after(async () => {
		await browser.close();
		h.stop();
	});
	const newPage = async () => {
		const p = await (await browser.newContext({ viewport: { width: 720, height: 900 } })).newPage();
		p.setDefaultTimeout(15_000);
		return p;
	};
	/** Waits for the relying party's page and returns what it verified. */
	const signedIn = async (p, user) => {
		await p.locator('#done').waitFor();
		const res = await h.call('/result');
		assert.equal(res.error, undefined, `relying party: ${res.error}`);
		assert.equal(res.app, 'saml');
		assert.equal(res.claims.token_use, 'id');
		assert.equal(res.claims['cognito:username'], user);
		return res;
	};
	/** Signs in at the IdP's own login form (not Cognate's page). */
	const atIdP = async (p, user) => {
		await p.locator('input[name="user"]').waitFor();
		assert.ok(!p.url().startsWith(h.cognate), `the login form is Cognate's: ${p.url()}`);
		assert.match(p.url(), /\/sso\?SAMLRequest=/);
		await p.locator('input[name="user"]').fill(user);
		await p.locator('input[name="password"]').fill(PASSWORD);
		await p.locator('input[type="submit"]').click();
	};

	await t.test('sign in through a SAML provider ("Sign in with Corp")', async () => {
		const p = await newPage();
		await p.goto(`${h.rp}/start/saml`);
		const button = p.getByRole('link', { name: 'Sign in with Corp' });
		await button.waitFor();
		await audit(p, 'saml-login');
		await p.screenshot({ path: path.join(shots, 'saml-login.png'), fullPage: true });
		await button.click();
		await atIdP(p, 'sam');
		// The IdP's page posts the signed Response to /saml2/idpresponse,
		// which redirects to the relying party with a code.
		const res = await signedIn(p, 'Corp_sam@corp.test');
		assert.equal(res.claims.email, 'sam@corp.test');
		assert.equal(res.claims.identities[0].providerName, 'Corp');
		assert.equal(res.claims.identities[0].providerType, 'SAML');
		assert.ok(res.claims['cognito:groups'].includes(`${h.apps.saml.poolId}_Corp`));
		assert.equal(res.userInfo.given_name, 'Sam');
		assert.ok(res.refreshed, 'the refresh token did not work');

		// Sign-out goes through the IdP's single logout and back to the app.
		const bye = `${h.rp}/bye`;
		await p.goto(`${h.cognate}/logout?client_id=${h.apps.saml.clientId}&logout_uri=${encodeURIComponent(bye)}`);
		await p.locator('#bye').waitFor();
		assert.equal(p.url(), bye);
		// Signed out at the IdP too: its login form again, not an answer.
		await p.goto(`${h.rp}/start/saml`);
		await p.getByRole('link', { name: 'Sign in with Corp' }).click();
		await atIdP(p, 'sam');
		await signedIn(p, 'Corp_sam@corp.test');
		await p.context().close();
	});

	await t.test('a linked user signs in either way as one user', async () => {
		// nora's password, then lars at the IdP (linked to nora): the same sub.
		const n = await newPage();
		await n.goto(`${h.rp}/start/saml`);
		await n.getByLabel('Username').fill('nora');
		await n.getByLabel('Password').fill(PASSWORD);
		await n.getByRole('button', { name: 'Sign in' }).click();
		const native = await signedIn(n, 'nora');
		await n.context().close();
		const l = await newPage();
		await l.goto(`${h.rp}/start/saml`);
		await l.getByRole('link', { name: 'Sign in with Corp' }).click();
		await atIdP(l, 'lars');
		const linked = await signedIn(l, 'nora');
		assert.equal(linked.claims.sub, native.claims.sub);
		assert.equal(linked.claims.identities[0].providerName, 'Corp');
		await l.context().close();
	});
});
