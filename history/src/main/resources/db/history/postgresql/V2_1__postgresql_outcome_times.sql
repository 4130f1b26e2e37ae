-- Retention deletes the oldest outcomes in chunks, and the monitoring queries bound outcomes by
-- observation time. (DuckDB keeps none: outcomes are far fewer than predictions, and it scans them.)
CREATE INDEX outcomes_observed ON outcomes (observed_at);
