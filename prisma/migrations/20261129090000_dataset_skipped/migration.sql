-- Archive entries an image (ZIP) dataset left out, kept so GET /v1/datasets/{id} shows them
-- as the upload answer did: {"count": n, "entries": [{"name", "reason"}, ...]} (at most 100
-- entries). NULL for datasets that are not archives, and for archives uploaded before this.
ALTER TABLE "Dataset" ADD COLUMN "skipped" JSONB;
