// The web console at /_cognate/console in Debian's Chromium, driven by
// playwright-core against the harness's server (harness/, whose console.go
// seeds a pool of many users and signs in as an application would).
//
// Every page is checked with axe-core (WCAG 2.1 A and AA) and saved as a
// screenshot (console-*.png): into a fresh temporary directory, or into the
// directory COGNATE_SCREENSHOTS names (COGNATE_SCREENSHOTS=e2e/browser/screenshots
// refreshes the README's pictures). Pages are also checked at 375 px wide.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startHarness, launchChromium, audit, fits, shots, haveChromium, chromiumPath } from './harness.mjs';

async function startConsoleHarness() {
	const h = await startHarness();
	const q = o => new URLSearchParams(o).toString();
	return {
		...h,
		seed: () => h.call('/console/seed', { method: 'POST' }),
		signIn: (client, user) => h.call(`/console/signin?${q({ client, user })}`, { method: 'POST' }),
		resend: (client, user) => h.call(`/console/resend?${q({ client, user })}`, { method: 'POST' }),
	};
}

const audited = [];

/** Audits the page at its width and at 375 px, and saves its screenshot
 * (with mobile, also one at 375 px). */
async function page(p, name, { mobile = false } = {}) {
	await audit(p, name);
	await p.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
	const size = p.viewportSize();
	await p.setViewportSize({ width: 375, height: 800 });
	await fits(p, name + ' at 375 px');
	await audit(p, name + ' at 375 px');
	if (mobile) await p.screenshot({ path: path.join(shots, name + '-375.png'), fullPage: true });
	await p.setViewportSize(size);
	audited.push(name);
}

test('the console in Chromium', { skip: !haveChromium && `no Chromium at ${chromiumPath}`, timeout: 240_000 }, async t => {
	const h = await startConsoleHarness();
	const browser = await launchChromium();
	t.after(async () => {
		await browser.close();
		h.stop();
		t.diagnostic(`screenshots in ${shots}`);
	});
	const { poolId, clientId } = await h.seed();
	const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.cognate });
	const p = await ctx.newPage();
	p.setDefaultTimeout(15_000);
	const consoleURL = `${h.cognate}/_cognate/console/`;

	await t.test('wrong keys are refused; the keys sign in, by keyboard alone', async () => {
		await p.goto(consoleURL);
		assert.match(p.url(), /\/_cognate\/console\/login$/);
		await page(p, 'console-01-sign-in');
		await p.getByLabel('Access key id').fill(h.keys.id);
		await p.getByLabel('Secret access key').fill(h.keys.secret + 'x');
		await p.getByRole('button', { name: 'Sign in' }).click();
		await p.getByRole('alert').getByText('is wrong').waitFor();
		assert.match(p.url(), /\/login$/);
		await audit(p, 'sign-in error');
		// The access key id field has the focus; type, tab, type, Enter.
		await p.getByLabel('Access key id').focus();
		await p.keyboard.press('Control+A');
		await p.keyboard.type(h.keys.id);
		await p.keyboard.press('Tab');
		assert.equal(await p.evaluate(() => document.activeElement.id), 'secret_access_key');
		await p.keyboard.type(h.keys.secret);
		await p.keyboard.press('Enter');
		await p.getByRole('heading', { level: 1, name: 'User pools' }).waitFor();
	});

	await t.test('pools, and one pool at a glance', async () => {
		await page(p, 'console-02-pools');
		await p.getByRole('link', { name: 'browser-console', exact: true }).click();
		await p.getByRole('heading', { level: 1, name: 'User pool browser-console' }).waitFor();
		const text = await p.locator('main').textContent();
		assert.match(text, /Console test app/);
		assert.match(text, /admins/);
		assert.match(text, /Remembered when the user agrees/);
		await page(p, 'console-03-pool');
	});

	await t.test('find one user among many', async () => {
		await p.getByRole('link', { name: 'Users of this pool' }).click();
		assert.equal(await p.locator('tbody tr').count(), 60, 'a page of 60 users');
		await p.getByLabel('Search by').selectOption('email');
		await p.getByLabel('Value').fill('user123@');
		await p.getByRole('button', { name: 'Search' }).click();
		await p.waitForURL(/q=user123/);
		assert.equal(await p.locator('tbody tr').count(), 1);
		await page(p, 'console-04-users');
		await p.getByRole('link', { name: 'user123', exact: true }).click();
		await p.getByRole('heading', { level: 1, name: 'User user123' }).waitFor();
		assert.match(await p.locator('main').textContent(), /user123@example\.com/);
	});

	await t.test('disable a user: the next sign-in is refused', async () => {
		const before = await h.signIn(clientId, 'user123');
		assert.equal(before.error, undefined, `sign-in before: ${before.error}`);
		await p.getByRole('button', { name: 'Disable' }).click();
		await p.getByRole('status').getByText('The user is disabled').waitFor();
		const after = await h.signIn(clientId, 'user123');
		assert.equal(after.error, 'NotAuthorizedException');
		assert.equal(after.message, 'User is disabled.');
		// Its sign-ins are on the page.
		assert.match(await p.locator('main').textContent(), /SignIn/);
		await page(p, 'console-05-user', { mobile: true });
		await p.getByRole('button', { name: 'Enable' }).click();
		await p.getByRole('status').getByText('The user is enabled').waitFor();
		assert.equal((await h.signIn(clientId, 'user123')).error, undefined);
	});

	let code;
	await t.test('the outbox: the code, large, newest first, updating live', async () => {
		await p.getByRole('link', { name: 'Outbox' }).click();
		await p.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
		const first = p.locator('.msg').first();
		assert.match(await first.textContent(), /newbie/);
		code = (await first.locator('code.code').textContent()).trim();
		assert.match(code, /^\d{6}$/);
		await page(p, 'console-06-outbox', { mobile: true });
		// A new code shows up without a reload, on top.
		await h.resend(clientId, 'newbie');
		await p.waitForFunction(n => document.querySelectorAll('.msg').length === n, 2);
		const newest = (await p.locator('.msg').first().locator('code.code').textContent()).trim();
		assert.notEqual(newest, code);
		code = newest;
		// The copy button puts the code on the clipboard.
		await p.locator('.msg').first().getByRole('button', { name: 'Copy code' }).click();
		assert.equal(await p.evaluate(() => navigator.clipboard.readText()), code);
	});

	await t.test('confirm the sign-up with the code from the outbox', async () => {
		await p.goto(`${consoleURL}users?pool=${poolId}`);
		await p.getByLabel('Value').fill('newbie');
		await p.getByRole('button', { name: 'Search' }).click();
		await p.getByRole('link', { name: 'newbie', exact: true }).click();
		assert.match(await p.locator('dl').textContent(), /UNCONFIRMED/);
		assert.equal((await h.signIn(clientId, 'newbie')).error, 'UserNotConfirmedException');
		await page(p, 'console-07-unconfirmed');
		await p.getByLabel('Confirmation code').fill(code);
		await p.getByRole('button', { name: 'Confirm with the code' }).click();
		await p.getByRole('status').getByText('confirmed with the code').waitFor();
		assert.match(await p.locator('dl').textContent(), /CONFIRMED/);
		assert.doesNotMatch(await p.locator('dl').textContent(), /UNCONFIRMED/);
		assert.equal((await h.signIn(clientId, 'newbie')).error, undefined);
		// And add to a group.
		await p.getByLabel('Group').selectOption('staff');
		await p.getByRole('button', { name: 'Add to the group' }).click();
		await p.getByRole('status').getByText('added to the group').waitFor();
		assert.match(await p.locator('main ul').last().textContent(), /staff/);
	});

	await t.test('the token inspector', async () => {
		const tokens = await h.signIn(clientId, 'user007');
		await p.getByRole('link', { name: 'Token inspector' }).click();
		await p.getByLabel('JWT (an ID or access token)').fill(tokens.accessToken);
		await p.getByRole('button', { name: 'Inspect' }).click();
		assert.match(await p.locator('#verdict').textContent(), new RegExp(`Accepted: a genuine token of pool ${poolId}`));
		await page(p, 'console-08-token');
		// Signed out everywhere from the console: the same token is refused, and why.
		await p.goto(`${consoleURL}user?pool=${poolId}&u=user007`);
		await p.getByRole('button', { name: 'Sign out everywhere' }).click();
		await p.getByRole('status').getByText('signed out everywhere').waitFor();
		await p.getByRole('link', { name: 'Token inspector' }).click();
		await p.getByLabel('JWT (an ID or access token)').fill(tokens.accessToken);
		await p.getByRole('button', { name: 'Inspect' }).click();
		assert.match(await p.locator('#verdict').textContent(), /revoked/);
		await page(p, 'console-09-token-revoked');
	});

	await t.test('delete a user, then sign out', async () => {
		await p.goto(`${consoleURL}user?pool=${poolId}&u=user149`);
		await p.getByLabel('Yes, delete user149').check();
		await p.getByRole('button', { name: 'Delete the user' }).click();
		await p.getByRole('status').getByText('The user is deleted').waitFor();
		assert.equal((await h.signIn(clientId, 'user149')).error, 'UserNotFoundException');
		await p.getByRole('button', { name: 'Sign out' }).click();
		await p.getByRole('heading', { level: 1, name: 'Sign in to the Cognate console' }).waitFor();
		await p.goto(consoleURL);
		assert.match(p.url(), /\/login$/);
	});
	assert.equal(audited.length, 9);
});
