-- Logged predictions are recorded one row per flush of a model's log (PredictionLogBatch), not
-- one row per prediction: a row per logged prediction cost PostgreSQL about 20 us of CPU and the
-- API about 5 us, on the prediction path's machine. A prediction id is `<batch id>.<position>`;
-- ground truth is stored on its own (PredictionFeedback), with the answer it judges copied from
-- the batch. Labels already posted are kept; unlabelled records of earlier traffic can no
-- longer receive feedback.
CREATE TABLE "PredictionLogBatch" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "logKey" TEXT NOT NULL,
    "versionIds" TEXT[] NOT NULL,
    "shadows" BOOLEAN[] NOT NULL,
    "predicted" TEXT[] NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PredictionLogBatch_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PredictionLogBatch_modelId_createdAt_idx" ON "PredictionLogBatch"("modelId", "createdAt");
ALTER TABLE "PredictionLogBatch" ADD CONSTRAINT "PredictionLogBatch_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PredictionFeedback" (
    "predictionId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "shadow" BOOLEAN NOT NULL,
    "predicted" JSONB NOT NULL,
    "label" JSONB NOT NULL,
    "predictedAt" TIMESTAMP(3) NOT NULL,
    "labeledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PredictionFeedback_pkey" PRIMARY KEY ("predictionId")
);
CREATE INDEX "PredictionFeedback_modelId_predictedAt_idx" ON "PredictionFeedback"("modelId", "predictedAt");
CREATE INDEX "PredictionFeedback_versionId_idx" ON "PredictionFeedback"("versionId");
ALTER TABLE "PredictionFeedback" ADD CONSTRAINT "PredictionFeedback_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PredictionFeedback" ADD CONSTRAINT "PredictionFeedback_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "PredictionFeedback" ("predictionId", "projectId", "modelId", "versionId", "shadow", "predicted", "label", "predictedAt", "labeledAt")
SELECT "id", "projectId", "modelId", "versionId", "shadow", "predicted", "label", "createdAt", "labeledAt"
FROM "PredictionRecord" WHERE "label" IS NOT NULL AND "labeledAt" IS NOT NULL;

DROP TABLE "PredictionRecord";
