/**
 * The first schema. One statement per string: PGlite's parameterless `query` runs a single statement.
 * Written for PostgreSQL 15 (the Debian server) and 18 (PGlite) alike.
 */
export const GENESIS_HASH = "0".repeat(64);

export const statements: string[] = [
  // Byte order ("C") so the list order and cursor comparisons are the same on every server's locale.
  `CREATE TABLE models (
    name text COLLATE "C" PRIMARY KEY,
    owner text,
    description text,
    tags text[] NOT NULL DEFAULT '{}',
    source text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    revision integer NOT NULL DEFAULT 1
  )`,
  `CREATE INDEX models_owner ON models (owner)`,
  // Immutable: the registry has no UPDATE or DELETE statement for this table.
  `CREATE TABLE versions (
    model text NOT NULL REFERENCES models (name),
    number integer NOT NULL CHECK (number > 0),
    digest text NOT NULL,
    source_revision text,
    formats text[] NOT NULL,
    size bigint NOT NULL,
    manifest jsonb NOT NULL,
    verdict text NOT NULL,
    license_key text NOT NULL,
    base_models text[] NOT NULL,
    vet_report jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (model, number),
    UNIQUE (model, digest)
  )`,
  `CREATE TABLE promotion_requests (
    id text PRIMARY KEY,
    model text NOT NULL,
    version integer NOT NULL,
    alias text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('promotion', 'rollback')),
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL,
    verdict text NOT NULL,
    note text,
    waiver jsonb,
    decided_by text,
    decided_at timestamptz,
    rationale text,
    FOREIGN KEY (model, version) REFERENCES versions (model, number)
  )`,
  `CREATE INDEX promotion_requests_order ON promotion_requests (requested_at DESC, id DESC)`,
  `CREATE TABLE aliases (
    model text NOT NULL,
    alias text NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL,
    request_id text REFERENCES promotion_requests (id),
    PRIMARY KEY (model, alias),
    FOREIGN KEY (model, version) REFERENCES versions (model, number)
  )`,
  `CREATE TABLE alias_moves (
    id bigserial PRIMARY KEY,
    model text NOT NULL,
    alias text NOT NULL,
    from_version integer,
    to_version integer NOT NULL,
    at timestamptz NOT NULL,
    by text NOT NULL,
    request_id text REFERENCES promotion_requests (id),
    kind text NOT NULL CHECK (kind IN ('set', 'promotion', 'rollback')),
    FOREIGN KEY (model, to_version) REFERENCES versions (model, number)
  )`,
  `CREATE INDEX alias_moves_by_alias ON alias_moves (model, alias, id DESC)`,
  `CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    before jsonb,
    after jsonb,
    request_id text,
    prev_hash text NOT NULL,
    hash text NOT NULL
  )`,
  // The chain head: one row, locked FOR UPDATE by every append, so concurrent writers cannot fork the chain.
  `CREATE TABLE audit_head (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq bigint NOT NULL,
    hash text NOT NULL
  )`,
  `INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, '${GENESIS_HASH}')`,
  `CREATE TABLE tokens (
    id text PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'developer', 'approver', 'admin')),
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
  )`,
  `CREATE TABLE jobs (
    id text PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb,
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    run_at timestamptz NOT NULL,
    locked_by text,
    locked_until timestamptz,
    lease_ms integer,
    progress jsonb,
    result jsonb,
    error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX jobs_due ON jobs (status, run_at)`,
];
