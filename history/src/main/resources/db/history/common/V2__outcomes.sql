-- What became of customers, as observed: the truth predictions are measured against. A customer
-- and an observation time identify an outcome; a second report of the same one is a duplicate.
-- Times are UTC TIMESTAMP, like predicted_at. Outcomes join the predictions by customer_id with a
-- hash join (DuckDB keeps no customer index on the predictions; PostgreSQL has one).
CREATE TABLE outcomes (
  customer_id VARCHAR NOT NULL,
  observed_at TIMESTAMP NOT NULL,
  churned BOOLEAN NOT NULL,
  recorded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (customer_id, observed_at)
);
