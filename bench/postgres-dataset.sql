-- Deterministic PostgreSQL benchmark dataset (integers, text, jsonb, bytea, timestamps, numeric):
-- every value is a function of the row number. bench/run.sh replaces :SCALE: (1 ≈ 1 MB on disk).
SET client_min_messages = warning;
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    created_at timestamptz NOT NULL,
    balance numeric(14, 2),
    active boolean NOT NULL
);
CREATE TABLE events (
    id bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind text NOT NULL,
    payload jsonb,
    token bytea,
    amount double precision,
    at timestamptz NOT NULL
);
CREATE TABLE documents (
    id integer PRIMARY KEY,
    title text,
    body text,
    revision smallint
);
INSERT INTO accounts
SELECT i, 'user' || i || '@example.org', 'User ' || i || ' ' || substr('AliceBobCarolDaveEveFrankGraceHeidiIvanJudy', 1 + (i * 7) % 40, 5),
       timestamptz '2017-07-14 02:40:00+00' + i * interval '97 seconds', ((i * 7919) % 100003) / 7.0, i % 3 <> 0
FROM generate_series(1, :SCALE: * 100) AS i;
INSERT INTO events
SELECT i, 1 + (i * 2654435761) % (:SCALE: * 100),
       (ARRAY['login', 'logout', 'purchase', 'refund', 'view', 'search'])[1 + (i * 31) % 6],
       jsonb_build_object('ip', format('10.%s.%s.%s', (i * 13) % 256, (i * 17) % 256, (i * 19) % 256),
                          'agent', 'Mozilla/5.0 (X11; Linux x86_64) rv:' || (100 + i % 30),
                          'items', jsonb_build_array(i % 997, (i * 7) % 991, (i * 11) % 983),
                          'note', substr('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor', 1 + (i * 3) % 50, 20)),
       decode(md5(i::text), 'hex'),
       ((i * 104729) % 1000000) / 100.0 + 1.0 / (1 + i % 7),
       timestamptz '2020-09-13 12:26:40+00' + i * interval '37 seconds'
FROM generate_series(1, :SCALE: * 2600) AS i;
INSERT INTO documents
SELECT i, 'Document ' || i || ': ' || substr('Quarterly report Annual summary Meeting notes Design review Incident analysis', 1 + (i * 5) % 60, 16),
       substr(repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ', 8), 1 + (i * 7) % 200, 500)
           || ' ' || (i * 31337) || ' ' || md5((i * 3)::text) || ' '
           || substr(repeat('Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium. ', 8), 1 + (i * 11) % 150, 400),
       (i % 5)::smallint
FROM generate_series(1, :SCALE: * 100) AS i;
CREATE INDEX events_account ON events (account_id);
CREATE INDEX events_at ON events (at);
ANALYZE;
