/**
 * The dashboard's inventory: facts of each version's vet report in columns (worst finding, license
 * name, commercial use), backfilled from the stored reports, and the indexes its filters and sorts use.
 */
export const statements: string[] = [
  `ALTER TABLE versions ADD COLUMN max_severity smallint NOT NULL DEFAULT 0`,
  `ALTER TABLE versions ADD COLUMN license_name text NOT NULL DEFAULT 'Unknown'`,
  `ALTER TABLE versions ADD COLUMN commercial_use text NOT NULL DEFAULT 'unknown'`,
  `UPDATE versions SET
     license_name = COALESCE(vet_report #>> '{license,name}', 'Unknown'),
     commercial_use = CASE WHEN vet_report #>> '{license,obligations,commercialUse}'
         IN ('allowed', 'conditional', 'prohibited', 'unknown')
       THEN vet_report #>> '{license,obligations,commercialUse}' ELSE 'unknown' END,
     max_severity = COALESCE((
       SELECT max(CASE f ->> 'severity' WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3
         WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END)
       FROM jsonb_array_elements(COALESCE(vet_report #> '{scan,findings}', '[]'::jsonb)) f), 0)`,
  `CREATE INDEX versions_by_verdict ON versions (verdict)`,
  `CREATE INDEX versions_by_commercial_use ON versions (commercial_use)`,
  `CREATE INDEX versions_by_max_severity ON versions (max_severity)`,
  `CREATE INDEX aliases_by_alias ON aliases (alias, model)`,
  `CREATE INDEX models_updated ON models (updated_at, name)`,
  `CREATE INDEX promotion_requests_pending ON promotion_requests (status, alias)`,
  `CREATE INDEX audit_log_actor ON audit_log (actor, seq)`,
  `CREATE INDEX audit_log_action ON audit_log (action, seq)`,
  `CREATE INDEX audit_log_subject ON audit_log (subject, seq)`,
  `CREATE INDEX audit_log_at ON audit_log (at)`,
];
