// Helpers shared by the JavaScript suites: TOTP codes (RFC 6238), in-memory
// storages for the client libraries, a trace of the Cognito calls the
// libraries make (printed when a step fails), JWT payload decoding, and a
// runner for walks whose steps depend on each other.

import { createHmac } from 'node:crypto';
import { it } from 'node:test';

const sleep = ms => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// TOTP: HMAC-SHA1, 6 digits, 30 s steps.

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(s) {
	const clean = s.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of clean) {
		const i = B32.indexOf(ch);
		if (i < 0) throw new Error(`not base32: ${JSON.stringify(s)}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

export function totpCode(key, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', key).update(msg).digest();
	const off = mac[mac.length - 1] & 0x0f;
	const bin = mac.readUInt32BE(off) & 0x7fffffff;
	return String(bin % 1_000_000).padStart(6, '0');
}

export const timeStep = (ms = Date.now()) => Math.floor(ms / 30_000);

/**
 * An authenticator app for one secret. The server accepts a code of the
 * steps next to its clock (±1) only if that step is later than the last one
 * the user used, so next() hands out a fresh later step each time and waits
 * (at most about one step) when it has run ahead of the clock.
 */
export class Authenticator {
	constructor(secret) {
		this.secret = secret;
		this.key = base32Decode(secret);
		this.last = -Infinity;
	}

	async next() {
		const deadline = Date.now() + 70_000;
		for (;;) {
			const now = timeStep();
			// Still within the window if the request lands a few seconds later.
			const soon = timeStep(Date.now() + 3_000);
			const step = Math.max(this.last + 1, soon - 1);
			if (step <= now + 1) {
				this.last = step;
				return totpCode(this.key, step);
			}
			if (Date.now() > deadline) throw new Error('Authenticator.next: no usable time step');
			await sleep(30_000 - (Date.now() % 30_000) + 200);
		}
	}

	/** A well-formed code that is wrong for every step the server accepts now. */
	wrong() {
		const now = timeStep();
		const valid = new Set([-2, -1, 0, 1, 2].map(d => totpCode(this.key, now + d)));
		for (let n = 123456; ; n = (n + 111111) % 1_000_000) {
			const c = String(n).padStart(6, '0');
			if (!valid.has(c)) return c;
		}
	}
}

// ---------------------------------------------------------------------------
// Storages

/** A Storage (getItem/setItem/removeItem/clear) for amazon-cognito-identity-js. */
export class SyncMemoryStorage {
	constructor() {
		this.map = new Map();
	}
	setItem(key, value) {
		this.map.set(key, String(value));
		return this.map.get(key);
	}
	getItem(key) {
		return this.map.has(key) ? this.map.get(key) : null;
	}
	removeItem(key) {
		return this.map.delete(key);
	}
	clear() {
		this.map.clear();
		return {};
	}
	keys() {
		return [...this.map.keys()];
	}
}

/** A KeyValueStorageInterface (async) for Amplify v6. */
export class AsyncMemoryStorage {
	constructor() {
		this.map = new Map();
	}
	async setItem(key, value) {
		this.map.set(key, String(value));
	}
	async getItem(key) {
		return this.map.has(key) ? this.map.get(key) : null;
	}
	async removeItem(key) {
		this.map.delete(key);
	}
	async clear() {
		this.map.clear();
	}
	/** The stored value whose key ends with `suffix` (Amplify prefixes keys). */
	find(suffix) {
		for (const [k, v] of this.map) if (k.endsWith(suffix)) return v;
		return null;
	}
}

// ---------------------------------------------------------------------------
// Trace of Cognito calls

const trace = [];
const TRACE_KEEP = 30;
let traceInstalled = false;

function clip(s, n = 700) {
	if (s == null) return '';
	s = String(s).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, jwt => `<JWT …${jwt.slice(-6)}>`);
	return s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
}

/**
 * Wraps global fetch (which both libraries call) to remember each Cognito
 * call: operation, request body, HTTP status and response body.
 */
export function installFetchTrace() {
	if (traceInstalled) return;
	traceInstalled = true;
	const realFetch = globalThis.fetch;
	globalThis.fetch = async function tracedFetch(input, init) {
		let headers;
		try {
			headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
		} catch {
			headers = new Headers();
		}
		const target = headers.get('x-amz-target');
		if (!target) return realFetch(input, init);
		const entry = {
			op: target.split('.').pop(),
			request: typeof init?.body === 'string' ? init.body : '(body not a string)',
		};
		trace.push(entry);
		if (trace.length > TRACE_KEEP) trace.shift();
		try {
			const res = await realFetch(input, init);
			entry.status = res.status;
			try {
				entry.response = await res.clone().text();
			} catch (e) {
				entry.response = `(unreadable: ${e.message})`;
			}
			return res;
		} catch (e) {
			entry.status = 'fetch failed';
			entry.response = String(e?.cause?.message ?? e?.message ?? e);
			throw e;
		}
	};
}

/** Marks the trace so that a failure shows only the calls of its step. */
export function traceMark() {
	return trace.length ? trace[trace.length - 1] : null;
}

/** The calls after `mark`, one per line. */
export function formatTrace(mark) {
	let i = mark ? trace.indexOf(mark) + 1 : 0;
	if (i < 0) i = 0;
	const lines = trace
		.slice(i)
		.map(e => `  ${e.op} ${clip(e.request)}\n    -> ${e.status} ${clip(e.response)}`);
	return lines.length ? lines.join('\n') : '  (no Cognito calls)';
}

/** The last traced call of operation `op`, or undefined. */
export function lastCall(op) {
	for (let i = trace.length - 1; i >= 0; i--) if (trace[i].op === op) return trace[i];
	return undefined;
}

/** The operations called after `mark`, in order. */
export function callsSince(mark) {
	let i = mark ? trace.indexOf(mark) + 1 : 0;
	if (i < 0) i = 0;
	return trace.slice(i).map(e => e.op);
}

// ---------------------------------------------------------------------------
// Walks: ordered steps that depend on each other.

/**
 * Returns step(name, fn, opts): an `it` that is skipped when an earlier
 * step of the same walk failed, and whose failure carries the Cognito calls
 * it made and the server's last output lines.
 */
export function walk(getServerLog) {
	let failed = null;
	// opts.independent: the step changes nothing the later steps rely on, so
	// its failure does not skip them.
	return (name, fn, { independent = false, timeout = 15_000, ...opts } = {}) =>
		it(name, { timeout, ...opts }, async t => {
			if (failed) {
				t.skip(`earlier step failed: ${failed}`);
				return;
			}
			const mark = traceMark();
			let timer;
			try {
				// Time out here, a little before the runner would, so that the
				// steps after a hung one are skipped rather than hang in turn.
				await Promise.race([
					fn(t),
					new Promise((_, reject) => {
						timer = setTimeout(() => reject(new Error(`step timed out after ${timeout - 1_000} ms`)), timeout - 1_000);
					}),
				]);
			} catch (err) {
				if (!independent) failed = name;
				const extra =
					`\nCognito calls of this step:\n${formatTrace(mark)}` +
					(getServerLog ? `\nserver output (last lines):\n${getServerLog().split('\n').slice(-12).join('\n')}` : '');
				if (err && typeof err === 'object') {
					try {
						// The reporters print the stack, which was fixed at creation.
						err.message = `${err.message}${extra}`;
						if (typeof err.stack === 'string') err.stack = `${err.stack}${extra}`;
					} catch {
						throw new Error(`${String(err)}${extra}`, { cause: err });
					}
					throw err;
				}
				throw new Error(`${String(err)}${extra}`);
			} finally {
				clearTimeout(timer);
			}
		});
}

// ---------------------------------------------------------------------------
// Tokens and delivered codes

export function jwtPayload(jwt) {
	const [, payload] = jwt.split('.');
	return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

export function jwtHeader(jwt) {
	return JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));
}

/** The newest code of `purpose` (any if omitted) delivered to the user; polls up to 5 s. */
export async function deliveredCode(srv, pool, username, purpose) {
	const deadline = Date.now() + 5_000;
	let got = [];
	for (;;) {
		got = await srv.outbox(pool, username);
		const match = got.filter(m => !purpose || m.purpose === purpose);
		if (match.length) return match[match.length - 1];
		if (Date.now() > deadline) {
			throw new Error(`no ${purpose ?? ''} code delivered to ${username} in ${pool}; outbox: ${JSON.stringify(got)}`);
		}
		await sleep(100);
	}
}

// ---------------------------------------------------------------------------
// Token signatures, checked with AWS's own verifier (aws-jwt-verify)

/**
 * Verifies `jwt` (an ID token when `use` is 'id', else an access token) with
 * aws-jwt-verify's JwtVerifier against the server's discovery document and
 * JWKS. aws-jwt-verify fetches JWKS over HTTPS only, so the JWKS is fetched
 * here (plain HTTP) and handed to it with cacheJwks. Returns the payload.
 */
export async function verifyWithAwsJwtVerify(url, poolId, clientId, jwt, use) {
	const { JwtVerifier } = await import('aws-jwt-verify');
	const issuer = `${url}/${poolId}`;
	const jwksUri = `${issuer}/.well-known/jwks.json`;
	const get = async u => {
		const res = await fetch(u, { signal: AbortSignal.timeout(5_000) });
		const text = await res.text();
		if (res.status !== 200) throw new Error(`GET ${u}: HTTP ${res.status}: ${text}`);
		return JSON.parse(text);
	};
	const discovery = await get(`${issuer}/.well-known/openid-configuration`);
	if (discovery.issuer !== issuer) throw new Error(`discovery issuer ${discovery.issuer}, want ${issuer}`);
	if (discovery.jwks_uri !== jwksUri) throw new Error(`discovery jwks_uri ${discovery.jwks_uri}, want ${jwksUri}`);
	const jwks = await get(jwksUri);
	const verifier = JwtVerifier.create({
		issuer,
		jwksUri,
		audience: use === 'id' ? clientId : null,
		customJwtCheck: ({ payload }) => {
			if (payload.token_use !== use) throw new Error(`token_use ${payload.token_use}, want ${use}`);
			if (use === 'access' && payload.client_id !== clientId) {
				throw new Error(`client_id ${payload.client_id}, want ${clientId}`);
			}
		},
	});
	verifier.cacheJwks(jwks);
	return verifier.verify(jwt);
}

// ---------------------------------------------------------------------------
// amazon-cognito-identity-js calls as promises

/**
 * Runs an ACIJS call whose last argument is a callback map and resolves with
 * the first callback it calls: { kind, args }. onFailure rejects.
 */
export function cb(start) {
	return new Promise((resolve, reject) => {
		const settle = kind => (...args) => resolve({ kind, args });
		start({
			onSuccess: settle('onSuccess'),
			onFailure: err => reject(err),
			totpRequired: settle('totpRequired'),
			mfaRequired: settle('mfaRequired'),
			mfaSetup: settle('mfaSetup'),
			selectMFAType: settle('selectMFAType'),
			newPasswordRequired: settle('newPasswordRequired'),
			customChallenge: settle('customChallenge'),
			associateSecretCode: settle('associateSecretCode'),
			inputVerificationCode: settle('inputVerificationCode'),
		});
	});
}

/** Runs an ACIJS call that takes a Node-style callback (err, result). */
export function nodeCb(start) {
	return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}
