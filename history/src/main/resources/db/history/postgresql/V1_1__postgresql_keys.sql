-- PostgreSQL makes the ids itself, so any number of servers may append at once.
ALTER TABLE predictions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE predictions ADD PRIMARY KEY (id);

-- Time ranges and most-recent-first pages: the keyset (predicted_at, id) < (?, ?) walks this
-- index. (DuckDB needs none: rows arrive in time order, so its per-row-group min/max skip the rest.)
CREATE INDEX predictions_time ON predictions (predicted_at, id);

-- One customer's history. (DuckDB keeps no such index: a scan with its zone maps answers a
-- customer faster than its ART index did, and the index halved its write rate.)
CREATE INDEX predictions_customer ON predictions (customer_id);
