-- Access tokens may expire (a sandbox tester expires one on demand; an operator may give a token
-- a lifetime): after expires_at a request with it fails with 190/463.
ALTER TABLE tokens ADD COLUMN expires_at BIGINT;
