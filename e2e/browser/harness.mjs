// What the browser suites (hosted.test.mjs, passkeys.test.mjs,
// console.test.mjs, amplify-passkeys.test.mjs) share: the Go harness that
// runs the server, Debian's Chromium launched as the suites need it,
// axe-core's audit, the screenshot directory, the check that nothing scrolls
// sideways, and the hosted suites' page, field-error and signed-in checks.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Chromium: /usr/bin/chromium or CHROMIUM. */
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Whether Chromium is there; under CI=true its absence is a failure, not a skip. */
export const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI === 'true') {
	throw new Error(`Chromium is required in CI (apt-get install -y chromium): ${chromiumPath} not found`);
}

/** Where screenshots go: COGNATE_SCREENSHOTS (e2e/browser/screenshots
 * refreshes the README's pictures), else a fresh temporary directory. */
export const shots = process.env.COGNATE_SCREENSHOTS
	? path.resolve(root, process.env.COGNATE_SCREENSHOTS)
	: mkdtempSync(path.join(os.tmpdir(), 'cognate-screenshots-'));
mkdirSync(shots, { recursive: true });

/**
 * Builds the harness (or takes COGNATE_BROWSER_HARNESS) and starts it. The
 * result holds the harness's first line (its URLs), `call(path, opts)` to
 * its control API, and `stop()`.
 */
export async function startHarness() {
	let bin = process.env.COGNATE_BROWSER_HARNESS;
	if (!bin) {
		bin = path.join(mkdtempSync(path.join(os.tmpdir(), 'cognate-harness-')), 'harness');
		execFileSync('go', ['build', '-o', bin, './e2e/browser/harness'], { cwd: root, stdio: 'inherit' });
	}
	const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
	const line = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the harness did not start within 30 s')), 30_000);
		child.once('exit', code => reject(new Error(`the harness exited (${code})`)));
		createInterface({ input: child.stdout }).once('line', l => {
			clearTimeout(timer);
			resolve(l);
		});
	});
	const cfg = JSON.parse(line);
	const call = async (p, opts) => {
		const r = await fetch(cfg.control + p, opts);
		if (!r.ok) throw new Error(`harness ${p}: ${r.status} ${await r.text()}`);
		return r.json();
	};
	return { ...cfg, call, stop: () => child.stdin.end() };
}

/** Launches headless Chromium as the suites run it, with a suite's own
 * flags (args) after the common ones. */
export function launchChromium(args = []) {
	return chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...args],
	});
}

/** Fails on any WCAG 2.1 A/AA violation axe-core finds on the page. */
export async function audit(p, name) {
	await p.evaluate(axeSource);
	const violations = await p.evaluate(async () => {
		const r = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
		return r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
	});
	assert.deepEqual(violations, [], `${name}: accessibility violations`);
}

/** The page fits the viewport's width: nothing scrolls sideways. */
export async function fits(p, name) {
	const { scroll, width } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
	assert.ok(scroll <= width, `${name}: ${scroll}px wide in a ${width}px viewport`);
}

/** A page in a fresh browser context (its own cookies), 720 px wide unless
 * a viewport is given. */
export async function openPage(browser, viewport) {
	const ctx = await browser.newContext({ viewport: viewport || { width: 720, height: 900 } });
	const p = await ctx.newPage();
	p.setDefaultTimeout(15_000);
	return p;
}

/** Saves a screenshot of the page and audits it. */
export async function snapshot(p, name) {
	await audit(p, name);
	await p.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

/** The error shown for a field, checked to be tied to it. */
export async function fieldError(p, id) {
	const input = p.locator(`[id="${id}"]`);
	assert.equal(await input.getAttribute('aria-invalid'), 'true', `#${id} not marked invalid`);
	assert.equal(await input.getAttribute('aria-describedby'), `${id}-error`, `#${id} not described by its error`);
	return (await p.locator(`[id="${id}-error"]`).textContent()).trim();
}

/** Waits for the relying party's "Signed in" page and checks what it made
 * of the callback (harness/main.go): a verified ID token of the app for
 * the user (any user when undefined), userInfo, a code refused the second
 * time, a working refresh token. */
export async function signedIn(h, p, app, user) {
	await p.locator('#done').waitFor();
	const res = await h.call('/result');
	assert.equal(res.error, undefined, `relying party: ${res.error}`);
	assert.equal(res.app, app);
	if (user !== undefined) assert.equal(res.claims['cognito:username'], user);
	assert.equal(res.claims.token_use, 'id');
	assert.equal(res.userInfo.sub, res.claims.sub);
	assert.equal(res.replay, 'invalid_grant', 'a code used twice');
	assert.ok(res.refresh && res.refreshed, 'the refresh token works');
	return res;
}
