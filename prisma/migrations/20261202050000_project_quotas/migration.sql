-- Per-project quota overrides set by the operator. A NULL column means "the configured default"
-- (QUOTA_* settings), 0 means unlimited, any other value is the project's limit.
CREATE TABLE "ProjectQuota" (
    "projectId" TEXT NOT NULL,
    "storedBytes" BIGINT,
    "datasets" INTEGER,
    "models" INTEGER,
    "versions" INTEGER,
    "concurrentJobs" INTEGER,
    "trainingMinutesPerDay" INTEGER,
    "predictionsPerMinute" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ProjectQuota_pkey" PRIMARY KEY ("projectId")
);

ALTER TABLE "ProjectQuota" ADD CONSTRAINT "ProjectQuota_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Quota checks count a project's unfinished jobs and sum today's training time.
CREATE INDEX "TrainingJob_projectId_status_idx" ON "TrainingJob"("projectId", "status");
