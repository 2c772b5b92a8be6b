-- Values the domain keeps beside a pool's document, read only by the
-- operations that need them (managed login branding and its images), so
-- that the pool's document, which every request reads, stays small.
CREATE TABLE pool_blobs (
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	key TEXT COLLATE "C" NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (pool_id, key)
);
