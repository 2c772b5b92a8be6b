// Starts a Cognate server for one test file.
//
//   const srv = await startServer({ UserPools: [...] });
//   srv.url                      base URL, e.g. http://127.0.0.1:41234
//   await srv.outbox(pool, user) codes the server delivered to that user
//   await srv.stop()             stops it (idempotent) and removes its data
//   srv.log()                    the server's last output lines
//
// The binary is taken from the environment variable COGNATE_BIN. Every wait
// is bounded: the whole file is stopped after FILE_LIMIT_MS. The server is
// killed when the test process exits (normally, by process.exit, or on
// SIGINT/SIGTERM/SIGHUP); should the process be killed outright, the server
// loses its output pipe and dies on its next log line.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ADMIN_ACCESS_KEY_ID = 'AKIACOGNATEJSTEST001';
export const ADMIN_SECRET_ACCESS_KEY = 'js/Secret/Key/For/Cognate/End/To/End/Tests';

const READY_TIMEOUT_MS = 15_000;
// A test file (one process) never runs longer than this, whatever hangs.
const FILE_LIMIT_MS = 55_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LINES = 60;

const running = new Set();
let watchdog;
function killAll() {
	for (const child of running) {
		try {
			child.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(sig, () => {
		killAll();
		process.exit(128 + os.constants.signals[sig]);
	});
}

/** The binary to run: COGNATE_BIN, which must name an executable file. */
export function cognateBinary() {
	const bin = process.env.COGNATE_BIN;
	if (!bin) {
		throw new Error(
			'COGNATE_BIN is not set: build the server (go build -o /tmp/cognate ./cmd/cognate) and run COGNATE_BIN=/tmp/cognate node --test e2e/js/'
		);
	}
	try {
		accessSync(bin, constants.X_OK);
	} catch {
		throw new Error(`COGNATE_BIN=${bin} is not an executable file`);
	}
	return path.resolve(bin);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Starts the server with `config` (an object with UserPools, written as the
 * --config file; JSON is YAML) and waits for GET /health. `args` are more
 * flags of `cognate serve`, e.g. ['--lambda-endpoint', url].
 */
export async function startServer(config, { args = [] } = {}) {
	const bin = cognateBinary();
	if (!watchdog) {
		watchdog = setTimeout(() => {
			console.error(`server.mjs: test file still running after ${FILE_LIMIT_MS} ms: stopping it`);
			process.exit(1); // the exit handler kills the servers
		}, FILE_LIMIT_MS);
		watchdog.unref();
	}
	let lastError;
	// A port found free can be taken before the server binds it: try again
	// on a new port then.
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			return await startOnce(bin, config, args);
		} catch (err) {
			lastError = err;
			if (!err.portRace) throw err;
		}
	}
	throw lastError;
}

async function startOnce(bin, config, args) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cognate-js-'));
	const dataDir = path.join(dir, 'data');
	const configFile = path.join(dir, 'config.json');
	writeFileSync(configFile, JSON.stringify(config, null, 2));
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;

	// The server sees only its own settings: no COGNATE_* from outside.
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!k.startsWith('COGNATE_')) env[k] = v;
	}
	env.COGNATE_ACCESS_KEY_ID = ADMIN_ACCESS_KEY_ID;
	env.COGNATE_SECRET_ACCESS_KEY = ADMIN_SECRET_ACCESS_KEY;

	const child = spawn(
		bin,
		['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--config', configFile, ...args],
		{ env, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	running.add(child);
	const lines = [];
	const keep = chunk => {
		for (const line of chunk.toString('utf8').split('\n')) {
			if (line.trim() === '') continue;
			lines.push(line);
			if (lines.length > LOG_LINES) lines.shift();
		}
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	let exited = null;
	const exitPromise = new Promise(resolve => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			running.delete(child);
			resolve();
		});
		child.on('error', err => {
			exited = { error: err };
			running.delete(child);
			resolve();
		});
	});

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		if (!exited) {
			child.kill('SIGTERM');
			const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
			let giveUp;
			await Promise.race([exitPromise, new Promise(r => (giveUp = setTimeout(r, STOP_TIMEOUT_MS + 2_000)))]);
			clearTimeout(kill);
			clearTimeout(giveUp);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	const log = () => lines.join('\n');

	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (exited) {
			await stop();
			const out = log();
			const err = new Error(
				`cognate exited before it was ready (${JSON.stringify(exited)}); output:\n${out}`
			);
			err.portRace = /address already in use/i.test(out);
			throw err;
		}
		try {
			const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
			await res.arrayBuffer();
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`cognate was not ready within ${READY_TIMEOUT_MS} ms; output:\n${log()}`);
		}
		await sleep(100);
	}

	/** Codes delivered to `username` of `pool`, oldest first. */
	const outbox = async (pool, username) => {
		const q = new URLSearchParams({ pool, username });
		const res = await fetch(`${url}/_cognate/outbox?${q}`, { signal: AbortSignal.timeout(5_000) });
		const text = await res.text();
		if (res.status !== 200) {
			throw new Error(`GET /_cognate/outbox?${q}: HTTP ${res.status}: ${text}`);
		}
		return JSON.parse(text);
	};

	return { url, stop, outbox, log };
}
