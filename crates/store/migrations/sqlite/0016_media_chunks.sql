-- Media bytes move from one BLOB per file (media.data) to chunks of 1 MiB, written and read one
-- at a time, so that no path holds a whole file in memory. Existing media are cut into chunks
-- here; the column goes.
CREATE TABLE media_chunks (
    media_id TEXT NOT NULL REFERENCES media(id),
    seq      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (media_id, seq)
);

INSERT INTO media_chunks (media_id, seq, data)
WITH RECURSIVE parts(media_id, seq) AS (
    SELECT id, 0 FROM media WHERE length(data) > 0
    UNION ALL
    SELECT p.media_id, p.seq + 1 FROM parts p JOIN media m ON m.id = p.media_id
    WHERE (p.seq + 1) * 1048576 < length(m.data)
)
SELECT p.media_id, p.seq, substr(m.data, p.seq * 1048576 + 1, 1048576)
FROM parts p JOIN media m ON m.id = p.media_id;

ALTER TABLE media DROP COLUMN data;
