-- Deterministic SQLite benchmark dataset: every value is a function of the row number, so two runs
-- (and two machines) build byte-identical content. bench/run.sh replaces :SCALE: (1 ≈ 0.8 MB of
-- database file) before feeding this to sqlite3.
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, created_at TEXT, score REAL, active INTEGER);
CREATE TABLE events(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), kind TEXT, payload TEXT,
                    amount REAL, created_at TEXT, token BLOB);
CREATE TABLE documents(id INTEGER PRIMARY KEY, title TEXT, body TEXT, revision INTEGER);
CREATE TABLE tags(name TEXT, weight INTEGER);
BEGIN;
INSERT INTO users
SELECT value, printf('user%d@example.org', value),
       printf('User %d %s', value, substr('AliceBobCarolDaveEveFrankGraceHeidiIvanJudy', 1 + (value * 7) % 40, 5)),
       datetime(1500000000 + value * 97, 'unixepoch'), ((value * 7919) % 100003) / 7.0, value % 3 != 0
FROM generate_series(1, :SCALE: * 100);
INSERT INTO events
SELECT value, 1 + (value * 2654435761) % (:SCALE: * 100),
       CASE (value * 31) % 6 WHEN 0 THEN 'login' WHEN 1 THEN 'logout' WHEN 2 THEN 'purchase' WHEN 3 THEN 'refund'
                             WHEN 4 THEN 'view' ELSE 'search' END,
       printf('{"ip":"10.%d.%d.%d","agent":"Mozilla/5.0 (X11; Linux x86_64) rv:%d","items":[%d,%d,%d],"note":"%s"}',
              (value * 13) % 256, (value * 17) % 256, (value * 19) % 256, 100 + value % 30, value % 997, (value * 7) % 991,
              (value * 11) % 983, substr('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor', 1 + (value * 3) % 50, 20)),
       ((value * 104729) % 1000000) / 100.0 + 1.0 / (1 + value % 7),
       datetime(1600000000 + value * 37, 'unixepoch'),
       CAST(printf('%08x%08x%08x%08x', (value * 2654435761) % 4294967296, (value * 40503) % 4294967296,
                   (value * 2246822519) % 4294967296, (value * 3266489917) % 4294967296) AS BLOB)
FROM generate_series(1, :SCALE: * 2800);
INSERT INTO documents
SELECT value,
       printf('Document %d: %s', value, substr('Quarterly report Annual summary Meeting notes Design review Incident analysis', 1 + (value * 5) % 60, 16)),
       printf('%s %d %s %d %s',
              substr('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.', 1 + (value * 7) % 200, 250),
              value * 31337,
              substr('Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit, sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt.', 1 + (value * 11) % 150, 220),
              (value * 2654435761) % 1000000007,
              substr('At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga.', 1 + (value * 13) % 100, 200)),
       value % 5
FROM generate_series(1, :SCALE: * 100);
INSERT INTO tags SELECT printf('tag-%d', value % 5000), value FROM generate_series(1, :SCALE: * 500);
COMMIT;
CREATE INDEX events_user ON events(user_id);
CREATE INDEX events_created ON events(created_at);
