-- Envelope encryption at rest: each project's data key (and one for the service), stored only
-- wrapped by a master key that never reaches the database. Deleting a project deletes its key.
CREATE TABLE "DataKey" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "projectId" TEXT,
    "wrappedKey" BYTEA NOT NULL,
    "masterKeyId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrappedAt" TIMESTAMP(3),

    CONSTRAINT "DataKey_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "DataKey_scope_key" ON "DataKey"("scope");
CREATE INDEX "DataKey_projectId_idx" ON "DataKey"("projectId");
CREATE INDEX "DataKey_masterKeyId_idx" ON "DataKey"("masterKeyId");

ALTER TABLE "DataKey" ADD CONSTRAINT "DataKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
