-- Imported model versions: trained elsewhere, so no training job and no dataset of ours.
ALTER TABLE "ModelVersion" ALTER COLUMN "trainingJobId" DROP NOT NULL;
ALTER TABLE "ModelVersion" ALTER COLUMN "datasetId" DROP NOT NULL;
ALTER TABLE "ModelVersion" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'trained';
ALTER TABLE "ModelVersion" ADD COLUMN "artifactFormat" TEXT NOT NULL DEFAULT 'tfjs-layers';
