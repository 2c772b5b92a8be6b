-- The schema of the SQLite backend, in types every PostgreSQL-compatible
-- database has. Times are Unix nanoseconds (BIGINT) as in SQLite, so values
-- round-trip exactly. Keys compare byte by byte (COLLATE "C"), whatever the
-- database's locale, so key order and paging match SQLite's. Users and
-- devices are JSON documents kept as BYTEA: the bytes SQLite keeps, and no
-- JSONB refusal of \u0000. The indexed attributes beside the user document
-- are BYTEA too, because attribute values may hold NUL, which TEXT cannot.

CREATE TABLE pools (
	id TEXT COLLATE "C" PRIMARY KEY,
	name TEXT NOT NULL,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	settings BYTEA NOT NULL,
	signing_key BYTEA NOT NULL
);

CREATE TABLE clients (
	id TEXT COLLATE "C" PRIMARY KEY,
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	settings BYTEA NOT NULL
);
CREATE INDEX clients_pool ON clients(pool_id, id);

CREATE TABLE users (
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	username TEXT COLLATE "C" NOT NULL,
	sub TEXT COLLATE "C" NOT NULL,
	status TEXT COLLATE "C" NOT NULL,
	enabled BOOLEAN NOT NULL,
	email BYTEA,
	phone_number BYTEA,
	name BYTEA,
	given_name BYTEA,
	family_name BYTEA,
	preferred_username BYTEA,
	doc BYTEA NOT NULL,
	PRIMARY KEY (pool_id, username)
);
CREATE UNIQUE INDEX users_sub ON users(pool_id, sub);
CREATE INDEX users_email ON users(pool_id, email);
CREATE INDEX users_phone ON users(pool_id, phone_number);

CREATE TABLE refresh_tokens (
	hash BYTEA PRIMARY KEY,
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	client_id TEXT COLLATE "C" NOT NULL,
	username TEXT COLLATE "C" NOT NULL,
	origin_jti TEXT COLLATE "C" NOT NULL,
	device_key TEXT COLLATE "C" NOT NULL,
	auth_time BIGINT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL,
	revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_user ON refresh_tokens(pool_id, username);
CREATE INDEX refresh_origin ON refresh_tokens(origin_jti);
CREATE INDEX refresh_expires ON refresh_tokens(expires);

CREATE TABLE used_marks (
	key TEXT COLLATE "C" PRIMARY KEY,
	expires BIGINT NOT NULL
);
CREATE INDEX used_marks_expires ON used_marks(expires);

CREATE TABLE devices (
	pool_id TEXT COLLATE "C" NOT NULL,
	device_key TEXT COLLATE "C" NOT NULL,
	username TEXT COLLATE "C" NOT NULL,
	doc BYTEA NOT NULL,
	PRIMARY KEY (pool_id, device_key),
	FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices(pool_id, username, device_key);
