-- Tuning jobs (hyperparameter search): a job row, one row per trial (each trial a training job),
-- and on the version the best trial registers, the tuning job and trial it came from.
CREATE TABLE "TuningJob" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "datasetId" TEXT,
    "modelName" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "task" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "error" JSONB,
    "bestTrial" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "TuningJob_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TuningJob_projectId_createdAt_idx" ON "TuningJob"("projectId", "createdAt");
CREATE INDEX "TuningJob_status_idx" ON "TuningJob"("status");
ALTER TABLE "TuningJob" ADD CONSTRAINT "TuningJob_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TuningJob" ADD CONSTRAINT "TuningJob_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "TuningTrial" (
    "id" TEXT NOT NULL,
    "tuningJobId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "trainingJobId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'running',
    "rungs" JSONB NOT NULL DEFAULT '[]',
    "objective" DOUBLE PRECISION,
    "result" JSONB,
    "artifactKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "TuningTrial_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TuningTrial_trainingJobId_key" ON "TuningTrial"("trainingJobId");
CREATE UNIQUE INDEX "TuningTrial_tuningJobId_number_key" ON "TuningTrial"("tuningJobId", "number");
ALTER TABLE "TuningTrial" ADD CONSTRAINT "TuningTrial_tuningJobId_fkey" FOREIGN KEY ("tuningJobId") REFERENCES "TuningJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TuningTrial" ADD CONSTRAINT "TuningTrial_trainingJobId_fkey" FOREIGN KEY ("trainingJobId") REFERENCES "TrainingJob"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "ModelVersion" ADD COLUMN "tuningJobId" TEXT;
ALTER TABLE "ModelVersion" ADD COLUMN "tuningTrial" INTEGER;
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_tuningJobId_fkey" FOREIGN KEY ("tuningJobId") REFERENCES "TuningJob"("id") ON DELETE SET NULL ON UPDATE CASCADE;
