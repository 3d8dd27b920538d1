-- The audit trail: one row per state-changing request, authentication failure, or state change
-- made by a background job. Rows carry plain ids (no foreign keys) so they outlive what they
-- describe, including an erased project.
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "projectId" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "resourceId" TEXT,
    "method" TEXT,
    "path" TEXT,
    "statusCode" INTEGER,
    "outcome" TEXT NOT NULL,
    "requestId" TEXT,
    "clientAddress" TEXT,
    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");
CREATE INDEX "AuditEvent_projectId_seq_idx" ON "AuditEvent"("projectId", "seq");
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- Append-only, enforced where every client (ours, psql, a bug) must pass: rows are never
-- updated, never truncated, and deleted only by the retention sweep, which announces itself
-- with a transaction-local setting (SET LOCAL maas.audit_retention_sweep = 'on').
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('maas.audit_retention_sweep', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_sweep_only_delete" BEFORE DELETE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();

-- Project erasure: the row is marked at once (every request for the project is then refused),
-- and the erasure record outlives the project so its status can still be asked for.
ALTER TABLE "Project" ADD COLUMN "deletingAt" TIMESTAMP(3);
CREATE INDEX "Project_deletingAt_idx" ON "Project"("deletingAt");

CREATE TABLE "ProjectErasure" (
    "projectId" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ProjectErasure_pkey" PRIMARY KEY ("projectId")
);
