-- Cohort rounds: a group of seekers placed over a set of placements at
-- once (matcher/round.c). A round keeps what it was computed from (its
-- parameters, the rules' version and a digest of its inputs, so that a
-- later change to them shows as "stale") and what came out: the pairs,
-- each with its explanation, and the rest of the result as one document.
-- Seekers and placements are named by id only; a round is a record of a
-- computation and keeps no personal data of its own; the retention job
-- deletes it --retain-round-months after it was computed.

CREATE TABLE rounds (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text CHECK (length(name) BETWEEN 1 AND 200),
    mode text NOT NULL CHECK (mode IN ('stable', 'optimal')),
    status text NOT NULL DEFAULT 'computed'
        CHECK (status IN ('computed', 'committed', 'superseded')),
    params jsonb NOT NULL,
    rules_version text NOT NULL,
    input_digest text NOT NULL,
    result jsonb NOT NULL, -- counts, totals, comparison, employers, unassigned, placements_left
    computed_ms integer NOT NULL,
    created_by bigint REFERENCES accounts ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    recomputed_as bigint REFERENCES rounds ON DELETE SET NULL,
    committed_at timestamptz,
    committed_by bigint REFERENCES accounts ON DELETE SET NULL,
    commit_result jsonb, -- created and skipped pairs
    CHECK ((status = 'committed') = (committed_at IS NOT NULL))
);
CREATE INDEX rounds_created ON rounds (created_at DESC, id DESC);

CREATE TABLE round_pairs (
    round_id bigint NOT NULL REFERENCES rounds ON DELETE CASCADE,
    seeker_id bigint NOT NULL,
    placement_id bigint NOT NULL,
    employer_id bigint NOT NULL,
    score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    distance_km double precision NOT NULL,
    explanation jsonb NOT NULL,
    dropped boolean NOT NULL DEFAULT false,
    PRIMARY KEY (round_id, seeker_id)
);
