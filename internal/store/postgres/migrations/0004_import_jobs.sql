-- User import jobs (the domain's JSON document as BYTEA, as for devices)
-- and the parts of their uploaded CSV files.
CREATE TABLE import_jobs (
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	id TEXT COLLATE "C" NOT NULL,
	created BIGINT NOT NULL,
	doc BYTEA NOT NULL,
	PRIMARY KEY (pool_id, id)
);
CREATE INDEX import_jobs_created ON import_jobs(pool_id, created, id);

CREATE TABLE import_parts (
	pool_id TEXT COLLATE "C" NOT NULL,
	job_id TEXT COLLATE "C" NOT NULL,
	upload TEXT COLLATE "C" NOT NULL,
	n INTEGER NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (pool_id, job_id, upload, n),
	FOREIGN KEY (pool_id, job_id) REFERENCES import_jobs(pool_id, id) ON DELETE CASCADE
);
