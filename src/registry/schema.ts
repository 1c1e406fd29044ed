/**
 * Migration 1: the tables behind every record of types.ts, in SQL both
 * SQLite and PostgreSQL accept. Tables carry a `keel_` prefix because a
 * PostgreSQL store may share its database with other applications.
 *
 * Sentinels: a metric's `fold` and `step` are -1 when absent (the aggregate
 * is fold -1, step -1). NULLs would be simpler to read, but two NULLs are
 * distinct in a primary key on both databases, so "one aggregate per name"
 * could not be enforced. A metric `value` of NULL is a NaN (see db.ts).
 *
 * Counters live on the parent row and are taken with
 * `UPDATE … SET n = n + 1 RETURNING n`: the row lock serialises writers on
 * PostgreSQL, and SQLite's single writer makes it atomic there.
 * - keel_models.latest_version numbers versions (never reused);
 * - keel_models.alias_moves orders alias history and serialises alias moves;
 * - keel_runs.log_lines numbers a run's log lines.
 */
export const SCHEMA_V1 = `
CREATE TABLE keel_projects (
  name TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);

CREATE TABLE keel_datasets (
  project TEXT NOT NULL REFERENCES keel_projects (name),
  hash TEXT NOT NULL,
  source TEXT NOT NULL,
  row_count BIGINT NOT NULL,
  schema_json TEXT NOT NULL,
  profile_json TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project, hash)
);

CREATE TABLE keel_experiments (
  project TEXT NOT NULL REFERENCES keel_projects (name),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project, name)
);

CREATE TABLE keel_runs (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  experiment TEXT NOT NULL,
  parent_id TEXT,
  name TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'stale')),
  params_json TEXT NOT NULL,
  timings_json TEXT NOT NULL,
  seed BIGINT,
  keel_version TEXT NOT NULL,
  dataset_hash TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  heartbeat_at BIGINT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  error TEXT,
  log_lines BIGINT NOT NULL DEFAULT 0,
  FOREIGN KEY (project, experiment) REFERENCES keel_experiments (project, name)
);
CREATE INDEX keel_runs_by_experiment ON keel_runs (project, experiment, started_at);
CREATE INDEX keel_runs_by_start ON keel_runs (project, started_at);
CREATE INDEX keel_runs_by_parent ON keel_runs (parent_id);
CREATE INDEX keel_runs_by_status ON keel_runs (status, host);

CREATE TABLE keel_metrics (
  run_id TEXT NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  fold INTEGER NOT NULL,
  step BIGINT NOT NULL,
  value DOUBLE PRECISION,
  PRIMARY KEY (run_id, name, fold, step)
);
CREATE INDEX keel_metrics_by_name ON keel_metrics (name, fold, step, value);

CREATE TABLE keel_run_logs (
  run_id TEXT NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE keel_run_artifacts (
  run_id TEXT NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX keel_run_artifacts_by_hash ON keel_run_artifacts (hash);

CREATE TABLE keel_run_tags (
  run_id TEXT NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE keel_models (
  project TEXT NOT NULL REFERENCES keel_projects (name),
  name TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  latest_version INTEGER NOT NULL DEFAULT 0,
  alias_moves BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (project, name)
);

CREATE TABLE keel_model_versions (
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  artifact_hash TEXT NOT NULL,
  artifact_bytes BIGINT NOT NULL,
  kind TEXT NOT NULL,
  task TEXT NOT NULL,
  schema_json TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  reference_json TEXT,
  run_id TEXT REFERENCES keel_runs (id),
  dataset_hash TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project, model, version),
  FOREIGN KEY (project, model) REFERENCES keel_models (project, name) ON DELETE CASCADE
);
CREATE INDEX keel_model_versions_by_hash ON keel_model_versions (artifact_hash);
CREATE INDEX keel_model_versions_by_run ON keel_model_versions (run_id);

CREATE TABLE keel_model_tags (
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (project, model, key),
  FOREIGN KEY (project, model) REFERENCES keel_models (project, name) ON DELETE CASCADE
);

CREATE TABLE keel_version_tags (
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (project, model, version, key),
  FOREIGN KEY (project, model, version)
    REFERENCES keel_model_versions (project, model, version) ON DELETE CASCADE
);

CREATE TABLE keel_aliases (
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (project, model, alias),
  FOREIGN KEY (project, model, version) REFERENCES keel_model_versions (project, model, version)
);

CREATE TABLE keel_alias_moves (
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  seq BIGINT NOT NULL,
  alias TEXT NOT NULL,
  from_version INTEGER,
  to_version INTEGER,
  at BIGINT NOT NULL,
  PRIMARY KEY (project, model, seq),
  FOREIGN KEY (project, model) REFERENCES keel_models (project, name) ON DELETE CASCADE
);
`;

/**
 * Migration 2: what serving keeps (issue 7).
 *
 * - keel_predictions: the prediction log, one row per logged request, keyed
 *   by the request id the server answered with. Written in batches by
 *   serve/prediction-log.ts, with `ON CONFLICT DO NOTHING`, so a batch
 *   retried after an error whose commit did in fact land is harmless. No
 *   foreign key to keel_model_versions: the log outlives a deleted version,
 *   and an imported model is served like any other. `inputs_json` is NULL
 *   when the server runs with --log-inputs=false.
 * - keel_feedback: ground truth for a logged request. One row per request:
 *   feedback sent again for the same request replaces the earlier labels.
 * - keel_api_keys: keys for the HTTP API. Only the SHA-256 of the token is
 *   stored (the token is shown once, when created), with its first
 *   characters so a person can tell keys apart. A revoked key keeps its
 *   row (revoked_at set) until a new key takes the name.
 */
export const SCHEMA_V2 = `
CREATE TABLE keel_predictions (
  request_id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  at BIGINT NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  row_count BIGINT NOT NULL,
  inputs_json TEXT,
  outputs_json TEXT NOT NULL
);
CREATE INDEX keel_predictions_by_model ON keel_predictions (project, model, version, at);
CREATE INDEX keel_predictions_by_time ON keel_predictions (project, at);

CREATE TABLE keel_feedback (
  request_id TEXT PRIMARY KEY REFERENCES keel_predictions (request_id) ON DELETE CASCADE,
  labels_json TEXT NOT NULL,
  at BIGINT NOT NULL
);

CREATE TABLE keel_api_keys (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX keel_api_keys_by_prefix ON keel_api_keys (prefix);
`;

/**
 * Migration 3: monitoring alerts (issue 8).
 *
 * - keel_alerts: what monitoring found about a model version (drift, a
 *   decaying metric, a data-quality problem, a retraining decision), newest
 *   read first through (project, model, at). Like the prediction log it has
 *   no foreign key to keel_model_versions: an alert is history, and outlives
 *   the version it is about. `severity` is checked by the table; `kind` only
 *   by the store (alerts.ts), so a later keel can add a kind without
 *   rebuilding the table, which is what changing a CHECK costs on SQLite.
 *   `details_json` is a JSON object, `{}` when there are none.
 */
export const SCHEMA_V3 = `
CREATE TABLE keel_alerts (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
  message TEXT NOT NULL,
  details_json TEXT NOT NULL
);
CREATE INDEX keel_alerts_by_model ON keel_alerts (project, model, at);
CREATE INDEX keel_alerts_by_time ON keel_alerts (project, at);
`;

/** Every table the store owns except keel_migrations, parents before children (export and import order). */
export const TABLES = [
  'keel_projects',
  'keel_datasets',
  'keel_experiments',
  'keel_runs',
  'keel_metrics',
  'keel_run_logs',
  'keel_run_artifacts',
  'keel_run_tags',
  'keel_models',
  'keel_model_versions',
  'keel_model_tags',
  'keel_version_tags',
  'keel_aliases',
  'keel_alias_moves',
  'keel_predictions',
  'keel_feedback',
  'keel_api_keys',
  'keel_alerts',
] as const;

export type TableName = (typeof TABLES)[number];

/** Each table's primary key: a dump is ordered by it, so both backends dump the same rows in the same order. */
export const PRIMARY_KEYS: { readonly [table in TableName]: readonly string[] } = {
  keel_projects: ['name'],
  keel_datasets: ['project', 'hash'],
  keel_experiments: ['project', 'name'],
  keel_runs: ['id'],
  keel_metrics: ['run_id', 'name', 'fold', 'step'],
  keel_run_logs: ['run_id', 'seq'],
  keel_run_artifacts: ['run_id', 'name'],
  keel_run_tags: ['run_id', 'key'],
  keel_models: ['project', 'name'],
  keel_model_versions: ['project', 'model', 'version'],
  keel_model_tags: ['project', 'model', 'key'],
  keel_version_tags: ['project', 'model', 'version', 'key'],
  keel_aliases: ['project', 'model', 'alias'],
  keel_alias_moves: ['project', 'model', 'seq'],
  keel_predictions: ['request_id'],
  keel_feedback: ['request_id'],
  keel_api_keys: ['name'],
  keel_alerts: ['id'],
};
