-- Every recorded prediction. Times are UTC TIMESTAMP (no time zone) in every store: truncating
-- them to hours, days and weeks is what the statistics do most. Enumerated values are the
-- churnwire.v1 enum value names. The id orders predictions of the same instant; how it is made
-- depends on the store (see the store's own migrations).
CREATE TABLE predictions (
  id BIGINT NOT NULL,
  predicted_at TIMESTAMP NOT NULL,
  request_id VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL,
  model_version VARCHAR NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  will_churn BOOLEAN NOT NULL,
  risk_band VARCHAR NOT NULL,
  interface VARCHAR NOT NULL,
  method VARCHAR NOT NULL,
  internet_service VARCHAR,
  number_dependents INTEGER,
  number_referrals INTEGER,
  satisfaction_score INTEGER,
  tenure_in_months INTEGER,
  total_long_distance_charges DOUBLE PRECISION,
  total_revenue DOUBLE PRECISION,
  contract VARCHAR,
  payment_method VARCHAR
);

-- Predictions per hour, model version and risk band, kept in the transaction that appends the
-- predictions: statistics and churn over time read whole hours from here and only the partial
-- hours at the edges of a range from the predictions themselves.
CREATE TABLE prediction_hours (
  hour TIMESTAMP NOT NULL,
  model_version VARCHAR NOT NULL,
  risk_band VARCHAR NOT NULL,
  prediction_count BIGINT NOT NULL,
  churn_count BIGINT NOT NULL,
  probability_sum DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (hour, model_version, risk_band)
);
