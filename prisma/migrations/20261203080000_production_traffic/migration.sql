-- Models in production: traffic splits and shadows on aliases, prediction logging with ground
-- truth, live per-version traffic, and drift monitoring with its alerts.
ALTER TABLE "Model" ADD COLUMN "logSampleRate" DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE "ModelAlias" ADD COLUMN "routing" JSONB;
ALTER TABLE "AliasEvent" ADD COLUMN "fromRouting" JSONB, ADD COLUMN "toRouting" JSONB;

CREATE TABLE "PredictionRecord" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "predicted" JSONB NOT NULL,
    "logKey" TEXT NOT NULL,
    "label" JSONB,
    "labeledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PredictionRecord_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PredictionRecord_versionId_createdAt_idx" ON "PredictionRecord"("versionId", "createdAt");
CREATE INDEX "PredictionRecord_modelId_createdAt_idx" ON "PredictionRecord"("modelId", "createdAt");
ALTER TABLE "PredictionRecord" ADD CONSTRAINT "PredictionRecord_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PredictionRecord" ADD CONSTRAINT "PredictionRecord_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "VersionTraffic" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "shadow" BOOLEAN NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "instances" INTEGER NOT NULL,
    "latency" JSONB NOT NULL,
    "predictions" JSONB NOT NULL,
    CONSTRAINT "VersionTraffic_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "VersionTraffic_versionId_at_idx" ON "VersionTraffic"("versionId", "at");
ALTER TABLE "VersionTraffic" ADD CONSTRAINT "VersionTraffic_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "VersionMonitor" (
    "versionId" TEXT NOT NULL,
    "windowMinutes" INTEGER NOT NULL,
    "minSamples" INTEGER NOT NULL,
    "thresholds" JSONB NOT NULL,
    "reference" JSONB NOT NULL,
    "lastRunAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "VersionMonitor_pkey" PRIMARY KEY ("versionId")
);
ALTER TABLE "VersionMonitor" ADD CONSTRAINT "VersionMonitor_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "MonitoringAlert" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "statistic" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "samples" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MonitoringAlert_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MonitoringAlert_modelId_createdAt_idx" ON "MonitoringAlert"("modelId", "createdAt");
ALTER TABLE "MonitoringAlert" ADD CONSTRAINT "MonitoringAlert_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MonitoringAlert" ADD CONSTRAINT "MonitoringAlert_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
