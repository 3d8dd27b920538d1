-- The bytes each version's artifact holds in the store, so model artifacts count towards the
-- project's stored-bytes quota. Versions registered before this read as 0 until re-registered.
ALTER TABLE "ModelVersion" ADD COLUMN "artifactBytes" BIGINT NOT NULL DEFAULT 0;
