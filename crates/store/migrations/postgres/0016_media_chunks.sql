-- Media bytes move from one BLOB per file (media.data) to chunks of 1 MiB, written and read one
-- at a time, so that no path holds a whole file in memory. Existing media are cut into chunks
-- here; the column goes.
CREATE TABLE media_chunks (
    media_id TEXT NOT NULL REFERENCES media(id),
    seq      BIGINT NOT NULL,
    data     BYTEA NOT NULL,
    PRIMARY KEY (media_id, seq)
);

INSERT INTO media_chunks (media_id, seq, data)
SELECT m.id, s.seq, substring(m.data FROM s.seq * 1048576 + 1 FOR 1048576)
FROM media m CROSS JOIN LATERAL generate_series(0, (length(m.data) - 1) / 1048576) AS s(seq)
WHERE length(m.data) > 0;

ALTER TABLE media DROP COLUMN data;
