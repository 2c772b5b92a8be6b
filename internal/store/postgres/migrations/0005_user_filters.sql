-- Every column ListUsers filters on gets an index in username order, so a
-- filter's page is a seek and the next limit entries (users_email and
-- users_phone are made again with username at their end), and the number of
-- users of each pool is kept as they come and go, for DescribeUserPool,
-- instead of being counted anew.
CREATE INDEX users_status ON users(pool_id, status, username);
CREATE INDEX users_enabled ON users(pool_id, enabled, username);
CREATE INDEX users_name ON users(pool_id, name, username);
CREATE INDEX users_given_name ON users(pool_id, given_name, username);
CREATE INDEX users_family_name ON users(pool_id, family_name, username);
CREATE INDEX users_preferred_username ON users(pool_id, preferred_username, username);
DROP INDEX users_email;
CREATE INDEX users_email ON users(pool_id, email, username);
DROP INDEX users_phone;
CREATE INDEX users_phone ON users(pool_id, phone_number, username);

-- A pool's count is spread over 16 rows, chosen by a hash of the username,
-- so that sign-ups at the same time rarely wait for one another's row lock;
-- CountUsers adds them up.
CREATE TABLE user_counts (
	pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
	shard SMALLINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (pool_id, shard)
);
INSERT INTO user_counts(pool_id, shard, n)
	SELECT pool_id, hashtext(username) & 15, COUNT(*) FROM users GROUP BY 1, 2;
CREATE FUNCTION users_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO user_counts(pool_id, shard, n) VALUES (NEW.pool_id, hashtext(NEW.username) & 15, 1)
			ON CONFLICT (pool_id, shard) DO UPDATE SET n = user_counts.n + 1;
	ELSE
		-- The user's insert made its shard's row; when the pool is being
		-- deleted that row may be gone already, and nothing is left to count.
		UPDATE user_counts SET n = n - 1 WHERE pool_id = OLD.pool_id AND shard = hashtext(OLD.username) & 15;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER users_counted AFTER INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION users_count();
