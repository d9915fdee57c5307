-- Reports (GET /v1/reports/...): the funnel and the time in each stage are
-- read from match_history by time. A range of a year over 100,000 matches
-- is a few hundred thousand history rows; this index lets the funnel count
-- them from the index alone (an index-only scan by time) and lets
-- time-in-stage find the matches touched in a range without a full scan.
CREATE INDEX match_history_at ON match_history (at)
    INCLUDE (match_id, from_state, to_state, action, actor_kind);
