-- Plottable evaluation stored with each model version (null for versions trained before).
ALTER TABLE "ModelVersion" ADD COLUMN "evaluation" JSONB;
