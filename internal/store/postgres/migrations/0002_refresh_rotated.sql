-- Refresh-token rotation: when a token was replaced (Unix nanoseconds, 0:
-- never), so that it keeps working for the client's grace period only.
ALTER TABLE refresh_tokens ADD COLUMN rotated BIGINT NOT NULL DEFAULT 0;
