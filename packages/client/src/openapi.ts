/**
 * Generated from openapi.yaml by openapi-typescript (packages/client/scripts/build.mjs).
 * Do not edit: `npm run build` regenerates it.
 */

export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics (text exposition format); needs the METRICS_TOKEN bearer token when one is set
         * @description Public: no credentials needed.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description Public: no credentials needed.
         */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: PostgreSQL, Redis and the artifact store are reachable
         * @description Public: no credentials needed.
         */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List projects (admin token)
         * @description Needs the operator admin token.
         */
        get: operations["listProjects"];
        put?: never;
        /**
         * Create a project (admin token)
         * @description Needs the operator admin token.
         */
        post: operations["createProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API keys (never their secrets)
         * @description Needs the operator admin token, or an API key of the project with the `admin` scope.
         */
        get: operations["listProjectApiKeys"];
        put?: never;
        /**
         * Create an API key; the key is shown only in this response
         * @description Needs the operator admin token, or an API key of the project with the `admin` scope.
         */
        post: operations["createProjectApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description Needs the operator admin token, or an API key of the project with the `admin` scope.
         */
        delete: operations["deleteProjectApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/api-keys/{keyId}:rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate an API key: a new key with the same name and scopes; the old one works until the overlap ends
         * @description Needs the operator admin token, or an API key of the project with the `admin` scope.
         */
        post: operations["rotateProjectApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Erase a project and everything it owns (admin token); answers 202 with a status URL
         * @description Datasets, training jobs, model versions, artifacts, checkpoints, API keys, idempotency records, queue entries and Redis keys. The project is refused at once (its keys are revoked); the erasure runs in the background, survives crashes, and is followed at the `Location` URL.
         *
         *     Needs the operator admin token.
         */
        delete: operations["deleteAdminProject"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projects/{id}/erasure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project erasure's progress (admin token)
         * @description Needs the operator admin token.
         */
        get: operations["getAdminProjectErasure"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's audit trail, newest first (a key with the admin scope; the admin token sees every project)
         * @description Every state-changing request and every authentication failure, with who, what, which resource, the outcome, the request id and the client address. A cursor is valid only in the list it came from.
         *
         *     Needs the operator admin token, or an API key of the project with the `admin` scope.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/master-key:rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-wrap every data key with the current master key (admin token)
         * @description Needs the operator admin token.
         */
        post: operations["rotateAdminMasterKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projects/{id}/quotas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's quotas: the operator's overrides and the limits in force (admin token)
         * @description Needs the operator admin token.
         */
        get: operations["getAdminProjectQuotas"];
        /**
         * Set a project's quotas (admin token)
         * @description Needs the operator admin token.
         */
        put: operations["setAdminProjectQuotas"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/project/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every quota of the caller's project with its limit and usage
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getProjectUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List datasets, newest first (column names and types; profiles from GET /v1/datasets/{id})
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listDatasets"];
        put?: never;
        /**
         * Upload a dataset (CSV, NDJSON or Parquet body, or multipart with a file part); the same name again makes its next version
         * @description Send the file as the body with Content-Type text/csv, application/csv, application/x-ndjson, application/ndjson, application/jsonl, or as multipart/form-data with a `file` part and a `name` field. An image dataset is a ZIP body (application/zip, application/x-zip-compressed) with one folder of PNG/JPEG files per class; it gets an `image` and a `label` column, and the answer lists the entries left out (`skipped`). A Parquet file (application/vnd.apache.parquet, application/x-parquet, or a .parquet file part) is stored, then read row group by row group from its footer; its columns must be flat (no lists, maps or structs). The body is streamed; at most MAX_UPLOAD_BYTES.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createDataset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a dataset with its inferred column schema
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getDataset"];
        put?: never;
        post?: never;
        /**
         * Delete a dataset and its bytes (409 while a model version uses it)
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteDataset"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dataset-imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a dataset from a file the service fetches itself, by HTTPS or s3:// URL
         * @description The service reads the URL and ingests its body as POST /v1/datasets ingests an upload (CSV, NDJSON, Parquet or a ZIP of images; the same limits, MAX_UPLOAD_BYTES included), then answers 201 with the dataset. Loopback, link-local and private addresses are refused (422 `import_url_refused`), for the URL and every redirect, unless the operator allows them (IMPORT_ALLOWED_ADDRESSES); s3:// URLs read buckets listed in IMPORT_S3_BUCKETS with the service's S3 endpoint and credentials. A source that answers an error or cannot be reached is 422 `import_source_failed`. Nothing is kept when the import fails.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createDatasetImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List training jobs, newest first (the latest epoch of each; every epoch from GET /v1/training-jobs/{id})
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listTrainingJobs"];
        put?: never;
        /**
         * Queue a training job that turns a dataset into an evaluated model version
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createTrainingJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a training job: status, per-epoch progress, metrics, the produced version
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getTrainingJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a job: a queued one ends now, a running one at its next batch
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["cancelTrainingJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a job live as Server-Sent Events: `status` (the job), `epoch` (loss, valLoss, metrics, elapsedMs), `end`
         * @description Each event has an `id` to resume from with `Last-Event-ID` (missed epochs are replayed from the job's stored progress); `: ping` comments every EVENT_HEARTBEAT_MS. The stream closes after `end`.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listTrainingJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List models by name
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a model's versions, newest first (without preprocessing and schemas: see the version route)
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listModelVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a version: metrics, hyperparameters, lineage, input schema, aliases; also TensorFlow Serving's model status
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelVersion"];
        put?: never;
        post?: never;
        /**
         * Delete a version and its artifact (409 while an alias points at it, unless ?force=true)
         * @description With `force=true` the aliases pointing at the version are removed too (recorded in their history). The version stops serving at once, on every replica.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteModelVersion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a model: latest version, aliases, and TF Serving status of every version
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModel"];
        put?: never;
        post?: never;
        /**
         * Delete a model with all its versions, artifacts and aliases
         * @description Refused (409) while a training job for the model is queued or running, and while an alias points at a version unless `force=true`.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteModel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/aliases/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An alias's version, traffic split and shadow
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelAlias"];
        /**
         * Point an alias (production, staging, ...) at a version, or split its traffic across versions
         * @description `{"version": 3}` points the alias at one version; `{"versions": [{"version": 3, "weight": 90}, {"version": 4, "weight": 10}]}` splits its traffic by weight (requests with the same `X-Maas-Routing-Key` header always reach the same version; others are assigned at random). `shadow` names a version that receives a copy of every request after the answer is sent; its answers are recorded, never returned. Every version named must share the task and input schema (422 otherwise). The move is atomic, recorded in the history, and served by every replica from the next request on.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        put: operations["setModelAlias"];
        post?: never;
        /**
         * Remove an alias
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteModelAlias"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/aliases/{alias}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move an alias back to the version it pointed at before its latest move
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["rollbackModelAlias"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/aliases/{alias}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every move of an alias, newest first
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelAliasHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/logging": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The model's prediction logging rate
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelLogging"];
        /**
         * Log a share of the model's prediction requests and answers (0 turns logging off)
         * @description Logged requests and answers are written asynchronously, in batches, to the artifact store (encrypted at rest); their answers carry `predictionIds` for ground truth. Aliases and the default version apply a change from the next request, numbered version paths within seconds.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        put: operations["setModelLogging"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Post ground truth for logged predictions (by the `predictionIds` their answers gave)
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["feedbackModel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/traffic": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live traffic per version: requests, latency percentiles, error rate, answer distribution, live accuracy
         * @description Counts traffic of split or shadowed aliases and of logged models (a plain alias of an unlogged model records nothing). Replicas write their counts every PREDICTION_LOG_FLUSH_MS.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelTraffic"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/monitoring": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A version's drift monitoring settings
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelVersionMonitoring"];
        /**
         * Monitor a version's inputs and answers for drift from its training data
         * @description Builds the training profile from the version’s dataset (numbers: decile bins and a quantile sample; categories: shares) and stores it with the window and thresholds. Needs prediction logging (409 otherwise) and tabular features (422 otherwise). Default thresholds: PSI 0.2, missing-rate rise 0.1, unseen categories 0.05, answers PSI 0.2; JS and KS are reported.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        put: operations["setModelVersionMonitoring"];
        post?: never;
        /**
         * Stop monitoring a version (its alerts are kept)
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteModelVersionMonitoring"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/monitoring/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Compare the version's logged traffic over its window with its training profile now
         * @description Per feature: PSI, Jensen-Shannon, KS (numbers), missing rate, unseen categories; and the answers against the training target. Every threshold crossed is stored as an alert (GET .../alerts).
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createModelVersionMonitoringRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The model's drift alerts, newest first
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listModelAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/prediction-logs/dataset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a dataset for retraining from the model's logged traffic
         * @description One row per logged instance over the window (shadow copies left out): its features and the target column holding the ground truth posted for it (only labelled rows unless `labeledOnly` is false).
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createModelPredictionLogsDataset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/model-imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a version of a model trained elsewhere (TensorFlow.js layers model or ONNX)
         * @description multipart/form-data: a `spec` field (ModelImportSpec, JSON) first, then the files: `model.json` and every weight shard it names (as the TensorFlow.js converter writes a Keras model), or one `model.onnx` whose one float32 input is [N, width] (the encoded row) and whose first output is [N, K] probabilities in label order (or [N, 1]: a sigmoid for two labels, or a regression value). Declare the input as raw `features` (given to the model as they are) or as a fitted `preprocessing` (an exported version’s preprocessing.json). The files are checked against each other and the model against the declared schema before anything is stored. The version gets the next number of the model (created if new) with `imported` lineage. All files together at most MAX_MODEL_UPLOAD_BYTES.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createModelImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/artifact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a version as a .tar.gz: TensorFlow.js model (or ONNX), preprocessing JSON, schemas, README
         * @description The archive holds `model.json` and `group1-shard1of1.bin` (a TensorFlow.js layers model in the converter’s layout; `model.onnx` for an imported ONNX version), `preprocessing.json`, `signature.json` (input and output schemas) and a README. Its files import back unchanged with POST /v1/model-imports.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelVersionArtifact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict with a given version
         * @description Row format (`instances`) answers `predictions`; columnar format (`inputs`) answers `outputs`. Values may be `{"b64": ...}`. An instance may be a whole record of the training dataset: its columns the model does not read (an id, the target) are ignored; names never in the dataset are refused. `passthrough` keys are echoed beside each prediction; a prediction lists the features it imputed in `imputed`. On a split alias, `X-Maas-Routing-Key` keeps a caller on one version; `model.version` says which served. `predictionIds` (one per instance) come with logged requests.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["predictModelVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Classify examples with a given version
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["classifyModelVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Regress examples with a given version
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["regressModelVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict with the version an alias points at
         * @description Row format (`instances`) answers `predictions`; columnar format (`inputs`) answers `outputs`. Values may be `{"b64": ...}`. An instance may be a whole record of the training dataset: its columns the model does not read (an id, the target) are ignored; names never in the dataset are refused. `passthrough` keys are echoed beside each prediction; a prediction lists the features it imputed in `imputed`. On a split alias, `X-Maas-Routing-Key` keeps a caller on one version; `model.version` says which served. `predictionIds` (one per instance) come with logged requests.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["predictModelLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Classify examples with the version an alias points at
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["classifyModelLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Regress examples with the version an alias points at
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["regressModelLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict with the production alias, else the newest version
         * @description Row format (`instances`) answers `predictions`; columnar format (`inputs`) answers `outputs`. Values may be `{"b64": ...}`. An instance may be a whole record of the training dataset: its columns the model does not read (an id, the target) are ignored; names never in the dataset are refused. `passthrough` keys are echoed beside each prediction; a prediction lists the features it imputed in `imputed`. On a split alias, `X-Maas-Routing-Key` keeps a caller on one version; `model.version` says which served. `predictionIds` (one per instance) come with logged requests.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["predictModel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Classify examples with the production alias, else the newest version
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["classifyModel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Regress examples with the production alias, else the newest version
         * @description Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["regressModel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * TF Serving status of the version an alias points at
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelLabel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * TF Serving metadata (signature) of the default version (production alias, else newest)
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * TF Serving metadata (signature) of a version
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelVersionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * TF Serving metadata (signature) of the version an alias points at
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelLabelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/evaluation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the evaluation you can plot: ROC, PR and calibration curves, confusion matrix, epochs, residuals, importance
         * @description Computed on the test split when the version was trained. Fields the version has no data for are null (all but `task` for versions trained before evaluations were stored).
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelVersionEvaluation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Compare versions: metrics, hyperparameters, datasets and input schemas side by side
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getModelCompare"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Explain predictions of a given version
         * @description Feature attributions per instance: sampled Shapley values against the background sample stored with the version, integrated gradients or SmoothGrad; per pixel (with a PNG heatmap) for images, per token for text, per time step and feature for sequences. 409 `explanation_unavailable` for a version without a background sample; 422 `explanation_method_unsupported` for a method its kind cannot use.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["explainModelVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{alias}:explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Explain predictions of the version an alias points at
         * @description Feature attributions per instance: sampled Shapley values against the background sample stored with the version, integrated gradients or SmoothGrad; per pixel (with a PNG heatmap) for images, per token for text, per time step and feature for sequences. 409 `explanation_unavailable` for a version without a background sample; 422 `explanation_method_unsupported` for a method its kind cannot use.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["explainModelLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Explain predictions of the production alias, else the newest version
         * @description Feature attributions per instance: sampled Shapley values against the background sample stored with the version, integrated gradients or SmoothGrad; per pixel (with a PNG heatmap) for images, per token for text, per time step and feature for sequences. 409 `explanation_unavailable` for a version without a background sample; 422 `explanation_method_unsupported` for a method its kind cannot use.
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["explainModel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server metadata
         * @description Public: no credentials needed.
         */
        get: operations["getV2"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server liveness
         * @description Public: no credentials needed.
         */
        get: operations["getV2HealthLive"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server readiness: the registry (PostgreSQL) answers
         * @description Public: no credentials needed.
         */
        get: operations["getV2HealthReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Model metadata of the default version (production alias, else newest): typed, shaped inputs and outputs
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2Model"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Triton-style model configuration of the default version (production alias, else newest)
         * @description What Triton clients read with get_model_config: the inputs (one per feature), the outputs and the largest batch. The model itself is a TensorFlow.js (or ONNX) model of this service.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2ModelConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness of the default version (production alias, else newest): loads and warms it up when needed
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2ModelReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inference with the default version (production alias, else newest)
         * @description Tensor data in JSON, or binary (the binary tensor data extension): the JSON request of `Inference-Header-Content-Length` bytes, then the data of each input that gives `parameters.binary_data_size`, in order. Outputs asked for with `parameters.binary_data` (or the request's `binary_data_output`) come back the same way, as application/octet-stream. On a split default alias, the `X-Maas-Routing-Key` header keeps a caller on one version; logged requests answer `parameters.prediction_ids` (comma-separated, one per instance).
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["inferV2Model"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Model metadata of a version: typed, shaped inputs and outputs
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2ModelVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Triton-style model configuration of a version
         * @description What Triton clients read with get_model_config: the inputs (one per feature), the outputs and the largest batch. The model itself is a TensorFlow.js (or ONNX) model of this service.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2ModelVersionConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness of a version: loads and warms it up when needed
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getV2ModelVersionReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inference with a version
         * @description Tensor data in JSON, or binary (the binary tensor data extension): the JSON request of `Inference-Header-Content-Length` bytes, then the data of each input that gives `parameters.binary_data_size`, in order. Outputs asked for with `parameters.binary_data` (or the request's `binary_data_output`) come back the same way, as application/octet-stream. On a split default alias, the `X-Maas-Routing-Key` header keeps a caller on one version; logged requests answer `parameters.prediction_ids` (comma-separated, one per instance).
         *
         *     Needs an API key with the `predict` scope (or `admin`).
         */
        post: operations["inferV2ModelVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tuning-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tuning jobs, newest first (trials from GET /v1/tuning-jobs/{id})
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listTuningJobs"];
        put?: never;
        /**
         * Start a hyperparameter search: trials are training jobs; the best one registers a version
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createTuningJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tuning-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a tuning job: its trials with their parameters, rung results and states, and the version
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getTuningJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tuning-jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a search and all its trials (a running trial stops at its next batch); no version
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["cancelTuningJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List batch predictions, newest first, with their progress
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listBatchPredictions"];
        put?: never;
        /**
         * Score every row of a stored dataset with a model version, on the workers
         * @description The version (a number, an alias, or the default as for `:predict`) is resolved once, now. Rows are read as a stream and written to the output in parts of BATCH_PART_ROWS rows; a row that cannot be scored goes to the error file with its number and the reason. Poll GET /v1/batch-predictions/{id}, then read the output from GET /v1/batch-predictions/{id}/output.
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createBatchPrediction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Score every row of an uploaded CSV or NDJSON body with a model version, on the workers
         * @description Send the rows as the body with Content-Type text/csv, application/csv, application/x-ndjson, application/ndjson, application/jsonl; the settings go in the query. The body is streamed to the store (at most MAX_UPLOAD_BYTES, and counted towards the project's stored bytes until the job ends).
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createBatchPredictionsUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a batch prediction: status, rows done, rows per second, error count
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getBatchPrediction"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a batch prediction: a queued one ends now, a running one after its current part
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["cancelBatchPrediction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions/{id}/output": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream the output of a succeeded batch prediction (CSV, NDJSON or Parquet, as requested)
         * @description Passthrough columns, then the prediction: in CSV `prediction` and a `probability_<label>` column per label of a classifier; in NDJSON `prediction` as `:predict` answers it. Rows that could not be scored are in .../errors instead. Parquet holds the columns CSV does, typed (probabilities as doubles), one row group per part.
         *
         *     Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getBatchPredictionOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch-predictions/{id}/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream the rows a succeeded batch prediction could not score: row number and reason
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listBatchPredictionErrors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints, newest first (secrets are never shown again)
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook endpoint for some events; the answer shows its signing secret, once
         * @description Deliveries are POSTs of `{id, type, createdAt, projectId, data}` signed with `Maas-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, retried with exponential backoff for WEBHOOK_RETRY_WINDOW_MS. URLs whose address is loopback, link-local or private are refused (at registration when the URL names one, and at every delivery by the address it resolves to).
         *
         *     Needs an API key with the `write` scope (or `admin`).
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a webhook endpoint
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint and its delivery records; pending deliveries are not sent
         * @description Needs an API key with the `write` scope (or `admin`).
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A webhook's deliveries, newest first: each attempt with its status code or error
         * @description Needs an API key with the `read` scope (or `admin`).
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            code: string;
            instance?: string;
            requestId?: string;
            issues?: {
                path: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        AuditEvent: {
            id: string;
            /** Format: date-time */
            at: string;
            projectId: string | null;
            actor: {
                /** @enum {string} */
                type: "key" | "admin" | "anonymous" | "system";
                /** @description The API key, when `type` is `key` */
                keyId: string | null;
            };
            /** @description Derived from the route, e.g. `datasets.create`, `models.versions.delete` */
            action: string;
            resourceId: string | null;
            method: string | null;
            path: string | null;
            statusCode: number | null;
            /** @enum {string} */
            outcome: "success" | "failure";
            requestId: string | null;
            clientAddress: string | null;
        };
        ColumnProfile: {
            name: string;
            /** @enum {string} */
            type: "number" | "integer" | "boolean" | "categorical" | "text" | "datetime" | "image";
            missing: number;
            distinct: number;
            distinctApproximate: boolean;
            min?: number | string | null;
            max?: number | string | null;
            /** @description null when the mean has no finite value */
            mean?: number | null;
            /** @description Sample standard deviation; null when it has no finite value */
            std?: number | null;
            /** @description Integer and number columns: counts in at most 32 bins; bin i holds [edges[i], edges[i+1]) */
            histogram?: {
                edges: number[];
                counts: number[];
            };
            topValues?: {
                value: string;
                count: number;
            }[];
        };
        Dataset: {
            id: string;
            name: string;
            version: number;
            format: string;
            rowCount: number;
            sizeBytes: number;
            sha256: string;
            columns: components["schemas"]["ColumnProfile"][];
            /** Format: date-time */
            createdAt: string;
            /** @description ZIP image datasets only: archive entries left out (not an image, not in a class folder, ...), at most 100 */
            skipped?: {
                name: string;
                reason: string;
            }[];
            /** @description ZIP image datasets only: how many entries were left out in all */
            skippedCount?: number;
        };
        DatasetSummary: {
            id: string;
            name: string;
            version: number;
            format: string;
            rowCount: number;
            sizeBytes: number;
            sha256: string;
            /** Format: date-time */
            createdAt: string;
            /** @description ZIP image datasets only: how many entries were left out in all */
            skippedCount?: number;
            columnCount: number;
            /** @description The first 100 columns' names and types; GET /v1/datasets/{id} has every column's profile */
            columns: {
                name: string;
                /** @enum {string} */
                type: "number" | "integer" | "boolean" | "categorical" | "text" | "datetime" | "image";
            }[];
        };
        MasterKeyRotation: {
            /** @description The id of the master key every data key is now wrapped by */
            masterKeyId: string;
            /** @description Data keys wrapped again by this call */
            rewrapped: number;
            /** @description Data keys wrapped by a master key this service was not given: still as they were */
            unavailable: {
                dataKeyId: string;
                masterKeyId: string;
            }[];
        };
        PredictResponse: {
            predictions: ({
                label: string | number | boolean;
                /** @description Each label’s probability, keyed by label */
                probabilities: {
                    [key: string]: number;
                };
                /** @description The same probabilities as a list in label order (the metadata’s `labels`): the `scores` output */
                scores?: number[];
                /** @description The features this instance left out or gave as null, imputed as in training (absent when none) */
                imputed?: string[];
                /** @description The request's passthrough keys with this instance's values (null where it has none) */
                passthrough?: {
                    [key: string]: unknown;
                };
            } | {
                value: number;
                /** @description The features this instance left out or gave as null, imputed as in training (absent when none) */
                imputed?: string[];
                /** @description The request's passthrough keys with this instance's values (null where it has none) */
                passthrough?: {
                    [key: string]: unknown;
                };
            })[];
            model: {
                name: string;
                version: number;
            };
            /** @description Logged requests only: one id per instance, for POST /v1/models/{name}/feedback */
            predictionIds?: string[];
        } | {
            outputs: {
                label: (string | number | boolean)[];
                /** @description Columns in label order */
                scores: number[][];
                /** @description The same as `scores` */
                probabilities: number[][];
            } | number[];
            model: {
                name: string;
                version: number;
            };
            /** @description Logged requests only: one id per instance, for POST /v1/models/{name}/feedback */
            predictionIds?: string[];
        };
        ClassifyResponse: {
            /** @description Per example, [label, score] for every label */
            result: [
                string,
                number
            ][][];
        };
        RegressResponse: {
            result: number[];
        };
        ModelStatus: {
            /** @description TF Serving's model status: every registered version is AVAILABLE (loaded on first use) */
            model_version_status: {
                version: string;
                /** @enum {string} */
                state: "START" | "LOADING" | "AVAILABLE" | "UNLOADING" | "END";
                status: {
                    error_code: string;
                    error_message: string;
                };
            }[];
        };
        ModelMetadata: {
            model_spec: {
                name: string;
                signature_name: string;
                version: string;
            };
            metadata: {
                signature_def: {
                    signature_def: {
                        [key: string]: {
                            inputs: {
                                [key: string]: {
                                    dtype: string;
                                    tensor_shape: {
                                        dim: {
                                            size: string;
                                            name: string;
                                        }[];
                                        unknown_rank: boolean;
                                    };
                                    name: string;
                                };
                            };
                            outputs: {
                                [key: string]: {
                                    dtype: string;
                                    tensor_shape: {
                                        dim: {
                                            size: string;
                                            name: string;
                                        }[];
                                        unknown_rank: boolean;
                                    };
                                    name: string;
                                };
                            };
                            method_name: string;
                        };
                    };
                    /** @description Class labels in the order of the `scores` output */
                    labels: string[];
                };
            };
        };
        /** @description Metrics on the held-out test split; members depend on the task */
        EvaluationMetrics: {
            /** @enum {string} */
            task?: "classification" | "regression";
            /** @description Rows evaluated (the held-out test split) */
            n?: number;
            accuracy?: number | null;
            logLoss?: number | null;
            rocAuc?: number | null;
            macro?: {
                precision: number | null;
                recall: number | null;
                f1: number | null;
            };
            weighted?: {
                precision: number | null;
                recall: number | null;
                f1: number | null;
            };
            /** @description Per class, with the rows whose true class it is (support) */
            perClass?: {
                precision: number | null;
                recall: number | null;
                f1: number | null;
                label: string | number | boolean;
                support: number;
            }[];
            /** @description matrix[i][j]: rows of true class labels[i] predicted as labels[j] */
            confusionMatrix?: {
                labels: (string | number | boolean)[];
                matrix: number[][];
            };
            mse?: number | null;
            rmse?: number | null;
            mae?: number | null;
            r2?: number | null;
            horizon?: number;
            season?: number;
            mape?: number | null;
            smape?: number | null;
            mase?: number | null;
            perStep?: {
                mae: number | null;
                rmse: number | null;
                /** @description Percent; null when every true value is zero */
                mape: number | null;
                smape: number | null;
                mase: number | null;
                step: number;
            }[];
            baselines?: {
                naive: {
                    mae: number | null;
                    rmse: number | null;
                    /** @description Percent; null when every true value is zero */
                    mape: number | null;
                    smape: number | null;
                    mase: number | null;
                };
                seasonalNaive: {
                    mae: number | null;
                    rmse: number | null;
                    /** @description Percent; null when every true value is zero */
                    mape: number | null;
                    smape: number | null;
                    mase: number | null;
                };
            };
            bestEpoch?: number | null;
            stoppedEarly?: boolean | null;
        } & {
            [key: string]: unknown;
        };
        TrainingJob: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            datasetId: string | null;
            modelName: string;
            target: string;
            task: string;
            /** @description The validated request: model, hyperparameters, features, split */
            spec: {
                [key: string]: unknown;
            };
            attempts: number;
            progress: {
                epochs: ({
                    epoch: number;
                    loss: number | null;
                    valLoss?: number | null;
                    /** @description The model metric on the training and validation splits: accuracy and valAccuracy, or mae and valMae */
                    metrics?: {
                        [key: string]: number;
                    };
                } & {
                    [key: string]: unknown;
                })[];
                totalEpochs?: number;
            } & {
                [key: string]: unknown;
            };
            metrics: components["schemas"]["EvaluationMetrics"] | null;
            result: {
                model: string;
                version: number;
            } | null;
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            backend: string | null;
            cancelRequested: boolean;
            resumedFromEpoch: number | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        TrainingJobSummary: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            datasetId: string | null;
            modelName: string;
            target: string;
            task: string;
            attempts: number;
            metrics: components["schemas"]["EvaluationMetrics"] | null;
            result: {
                model: string;
                version: number;
            } | null;
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            backend: string | null;
            cancelRequested: boolean;
            resumedFromEpoch: number | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            /** @description The latest epoch only; GET /v1/training-jobs/{id} has every epoch and the request */
            progress: {
                epochsCompleted: number;
                totalEpochs?: number;
                lastEpoch: ({
                    epoch: number;
                    loss: number | null;
                    valLoss?: number | null;
                    /** @description The model metric on the training and validation splits: accuracy and valAccuracy, or mae and valMae */
                    metrics?: {
                        [key: string]: number;
                    };
                } & {
                    [key: string]: unknown;
                }) | null;
            };
        };
        Model: {
            name: string;
            task: string;
            latestVersion: number;
            /** @description alias -> version */
            aliases: {
                [key: string]: number;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        VersionLineage: {
            /**
             * @description `trained` by a training job here, or `imported` from a model trained elsewhere
             * @enum {string}
             */
            origin: "trained" | "imported";
            /** @description Null for imported versions */
            datasetId: string | null;
            datasetName: string | null;
            datasetVersion: number | null;
            /** @description Null for imported versions */
            trainingJobId: string | null;
            /** @description The tuning job whose best trial this version is (null: none) */
            tuningJobId: string | null;
            /** @description That trial’s number */
            tuningTrial: number | null;
        };
        ModelVersion: {
            model: string;
            version: number;
            task: string;
            modelType: string;
            aliases: string[];
            metrics: components["schemas"]["EvaluationMetrics"];
            /** @description The model spec the version was trained with (type, layers, epochs, ...) */
            hyperparameters: {
                [key: string]: unknown;
            };
            /** @description Feature names, types and categories, in the order array instances use */
            inputSchema: unknown;
            /** @description SHA-256 of the input schema: equal hashes read instances alike */
            inputSchemaHash: string;
            /** @description Whether the input schema differs from the previous version (null for the first version) */
            inputSchemaChanged: boolean | null;
            /** @description Task and labels */
            outputSchema: unknown;
            /** @description The fitted transform applied before the model, at training and prediction alike */
            preprocessing: unknown;
            lineage: components["schemas"]["VersionLineage"];
            artifact: {
                key: string;
                sha256: string;
                /** @description Stored bytes (manifest and weights), counted in the stored-bytes quota */
                bytes: number;
                /**
                 * @description `tfjs-layers` (TensorFlow.js layers model) or `onnx` (served by ONNX Runtime)
                 * @enum {string}
                 */
                format: "tfjs-layers" | "onnx";
            };
            backend: string;
            trainingDurationMs: number;
            /** Format: date-time */
            createdAt: string;
        };
        /** @description A version without its fitted preprocessing and schemas: GET .../versions/{version} has them */
        ModelVersionSummary: {
            model: string;
            version: number;
            task: string;
            modelType: string;
            aliases: string[];
            metrics: components["schemas"]["EvaluationMetrics"];
            /** @description The model spec the version was trained with (type, layers, epochs, ...) */
            hyperparameters: {
                [key: string]: unknown;
            };
            /** @description SHA-256 of the input schema: equal hashes read instances alike */
            inputSchemaHash: string;
            /** @description Whether the input schema differs from the previous version (null for the first version) */
            inputSchemaChanged: boolean | null;
            lineage: components["schemas"]["VersionLineage"];
            artifact: {
                key: string;
                sha256: string;
                /** @description Stored bytes (manifest and weights), counted in the stored-bytes quota */
                bytes: number;
                /**
                 * @description `tfjs-layers` (TensorFlow.js layers model) or `onnx` (served by ONNX Runtime)
                 * @enum {string}
                 */
                format: "tfjs-layers" | "onnx";
            };
            backend: string;
            trainingDurationMs: number;
            /** Format: date-time */
            createdAt: string;
        };
        AliasMove: {
            alias: string;
            /** @description The version served alone, or the heaviest of a split */
            version: number | null;
            previousVersion: number | null;
            /** @description The traffic split by weight, or null when the alias serves its `version` alone */
            split: {
                version: number;
                weight: number;
            }[] | null;
            /** @description The version receiving a copy of every request (answers recorded, never returned), or null */
            shadow: number | null;
        };
        ErasedVersions: {
            model: string;
            /** @description The version numbers deleted */
            versions: number[];
            removedAliases: string[];
        };
        VersionEvaluation: {
            /** @enum {string} */
            task: "classification" | "regression" | "forecast";
            labels: string[] | null;
            /** @description Rows actual, columns predicted */
            confusionMatrix: {
                labels: string[];
                counts: number[][];
            } | null;
            roc: {
                label: string;
                auc: number;
                /** @description [fpr, tpr], at most 101 */
                points: [
                    number,
                    number
                ][];
            }[] | null;
            precisionRecall: {
                label: string;
                averagePrecision: number;
                /** @description [recall, precision], at most 101 */
                points: [
                    number,
                    number
                ][];
            }[] | null;
            calibration: {
                label: string;
                bins: {
                    meanPredicted: number;
                    fractionPositive: number;
                    count: number;
                }[];
            }[] | null;
            history: {
                epochs: number[];
                loss: number[];
                valLoss: number[] | null;
                metrics: {
                    [key: string]: number[];
                };
            } | null;
            residuals: {
                histogram: {
                    edges: number[];
                    counts: number[];
                };
                /** @description [actual, predicted], at most 500 */
                points: [
                    number,
                    number
                ][];
            } | null;
            /** @description Permutation importance on the test split, in the dataset's columns, largest mean first */
            importance: {
                /** @constant */
                method: "permutation";
                metric: string;
                repeats: number;
                columns: {
                    column: string;
                    mean: number;
                    std: number;
                }[];
            } | null;
        };
        VersionComparison: {
            /** @description In the order asked */
            versions: {
                version: number;
                task: string;
                modelType: string;
                aliases: string[];
                metrics: {
                    [key: string]: unknown;
                };
                hyperparameters: {
                    [key: string]: unknown;
                };
                /** @description Null for imported versions */
                dataset: {
                    id: string;
                    name: string | null;
                    version: number | null;
                } | null;
                /** @description Null for imported versions */
                trainingJobId: string | null;
                inputSchema: unknown;
                inputSchemaHash: string;
                outputSchema: unknown;
                backend: string;
                trainingDurationMs: number;
                /** Format: date-time */
                createdAt: string;
            }[];
        };
        ExplainResponse: {
            model: {
                name: string;
                version: number;
            };
            /** @enum {string} */
            method: "shapley" | "integrated-gradients" | "smoothgrad";
            seed: number;
            explanations: {
                /** @description Exactly what `:predict` answers for the instance */
                prediction: {
                    label: string | number | boolean;
                    probabilities: {
                        [key: string]: number;
                    };
                } | ({
                    value: number;
                } & {
                    [key: string]: unknown;
                });
                explained: {
                    /** @enum {string} */
                    output: "probability" | "value";
                    /** @description The predicted label whose probability is explained */
                    label?: string;
                    value: number;
                };
                /** @description The expected output the attributions are relative to: baseline + Σ attributions ≈ explained.value */
                baseline: number;
                /** @description In the dataset's own columns, largest |attribution| first */
                attributions: {
                    column: string;
                    attribution: number;
                }[];
                heatmap?: {
                    width: number;
                    height: number;
                    /** @description Per pixel, row-major (channels summed) */
                    values: number[];
                    /** @description Base64 PNG: red raised the output, blue lowered it */
                    png: string;
                };
                tokens?: {
                    token: string;
                    attribution: number;
                }[];
                /** @description Sequences: [timeStep][feature] */
                steps?: number[][];
            }[];
        };
        /** @description RFC 9457 problem details with the `error` member of TF Serving and the Open Inference Protocol */
        ServingProblem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            code: string;
            instance?: string;
            requestId?: string;
            issues?: {
                path: string;
                message: string;
            }[];
            /** @description The detail again, where TF Serving and V2 clients look for it */
            error: string;
        } & {
            [key: string]: unknown;
        };
        ModelWithStatus: {
            name: string;
            task: string;
            latestVersion: number;
            /** @description alias -> version */
            aliases: {
                [key: string]: number;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description TF Serving's model status: every registered version is AVAILABLE (loaded on first use) */
            model_version_status: {
                version: string;
                /** @enum {string} */
                state: "START" | "LOADING" | "AVAILABLE" | "UNLOADING" | "END";
                status: {
                    error_code: string;
                    error_message: string;
                };
            }[];
        };
        PredictionLogging: {
            model: string;
            sampleRate: number;
        };
        FeedbackResult: {
            model: string;
            recorded: number;
            /** @description Ids naming no logged prediction of this model: nothing recorded for them */
            unknown: string[];
        };
        LiveTraffic: {
            model: string;
            /** Format: date-time */
            windowStart: string;
            /** Format: date-time */
            windowEnd: string;
            versions: {
                version: number;
                /** @description Traffic this version answered as an alias's shadow (never returned) */
                shadow: boolean;
                requests: number;
                errors: number;
                errorRate: number;
                instances: number;
                /** @description Percentiles from latency buckets, interpolated within a bucket */
                latencyMs: {
                    p50: number | null;
                    p90: number | null;
                    p99: number | null;
                };
                predictions: {
                    labels: {
                        [key: string]: number;
                    };
                } | {
                    count: number;
                    mean: number | null;
                    std: number | null;
                    min: number | null;
                    max: number | null;
                };
                live: {
                    labeled: number;
                    accuracy: number | null;
                    meanAbsoluteError: number | null;
                };
            }[];
        };
        Monitoring: {
            model: string;
            version: number;
            windowMinutes: number;
            minSamples: number;
            thresholds: {
                /** @description Limits per statistic; null reports it without alerting */
                features: {
                    psi?: number | null;
                    js?: number | null;
                    ks?: number | null;
                    missingRate?: number | null;
                    unseenRate?: number | null;
                };
                perFeature: {
                    [key: string]: {
                        psi?: number | null;
                        js?: number | null;
                        ks?: number | null;
                        missingRate?: number | null;
                        unseenRate?: number | null;
                    };
                };
                /** @description Limits per statistic; null reports it without alerting */
                prediction: {
                    psi?: number | null;
                    js?: number | null;
                    ks?: number | null;
                    missingRate?: number | null;
                    unseenRate?: number | null;
                };
            };
            trainingRows: number;
            features: string[];
            lastRunAt: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        MonitoringAlert: {
            id: string;
            model: string;
            version: number;
            /** @description A feature name, or `prediction` for the distribution of answers */
            feature: string;
            /** @enum {string} */
            statistic: "psi" | "js" | "ks" | "missing_rate" | "unseen_rate";
            value: number;
            threshold: number;
            samples: number;
            /** Format: date-time */
            windowStart: string;
            /** Format: date-time */
            windowEnd: string;
            /** Format: date-time */
            createdAt: string;
        };
        MonitoringRun: {
            model: string;
            version: number;
            /** Format: date-time */
            windowStart: string;
            /** Format: date-time */
            windowEnd: string;
            samples: number;
            /** @description False when the window held fewer than minSamples instances */
            judged: boolean;
            features: {
                feature: string;
                /** @enum {string} */
                kind: "numeric" | "categorical";
                psi: number;
                /** @description Jensen-Shannon divergence, bits */
                js: number;
                /** @description Two-sample Kolmogorov-Smirnov statistic (numbers) */
                ks: number | null;
                missingRate: number;
                trainingMissingRate: number;
                /** @description Share of values never seen in training (categories) */
                unseenRate: number | null;
                crossed: {
                    statistic: string;
                    value: number;
                    threshold: number;
                }[];
            }[];
            prediction: {
                feature: string;
                /** @enum {string} */
                kind: "numeric" | "categorical";
                psi: number;
                /** @description Jensen-Shannon divergence, bits */
                js: number;
                /** @description Two-sample Kolmogorov-Smirnov statistic (numbers) */
                ks: number | null;
                missingRate: number;
                trainingMissingRate: number;
                /** @description Share of values never seen in training (categories) */
                unseenRate: number | null;
                crossed: {
                    statistic: string;
                    value: number;
                    threshold: number;
                }[];
            } | null;
            alerts: components["schemas"]["MonitoringAlert"][];
        };
        ProjectErasure: {
            projectId: string;
            /** @enum {string} */
            status: "in_progress" | "completed";
            /** Format: date-time */
            requestedAt: string;
            finishedAt: string | null;
            attempts: number;
        };
        Project: {
            id: string;
            name: string;
            /** Format: date-time */
            createdAt: string;
        };
        ApiKey: {
            id: string;
            name: string;
            /** @description The visible start of the key */
            prefix: string;
            scopes: ("read" | "write" | "predict" | "admin")[];
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            revokedAt: string | null;
            /** @description When the key last authenticated a request, to within a minute per replica */
            lastUsedAt: string | null;
        };
        ProjectQuotas: {
            projectId: string;
            /** @description What the operator set for the project (null: the configured default) */
            overrides: {
                /** @description Bytes of stored datasets */
                storedBytes: number | null;
                /** @description Stored datasets (each version counts) */
                datasets: number | null;
                /** @description Models (names), including those unfinished jobs will create */
                models: number | null;
                /** @description Model versions, including those unfinished jobs will create */
                versions: number | null;
                /** @description Training jobs running at once; further jobs wait */
                concurrentJobs: number | null;
                /** @description Minutes of training per UTC day, running jobs included */
                trainingMinutesPerDay: number | null;
                /** @description Prediction requests per minute */
                predictionsPerMinute: number | null;
            };
            /** @description The limits in force (null: unlimited) */
            limits: {
                /** @description Bytes of stored datasets */
                storedBytes: number | null;
                /** @description Stored datasets (each version counts) */
                datasets: number | null;
                /** @description Models (names), including those unfinished jobs will create */
                models: number | null;
                /** @description Model versions, including those unfinished jobs will create */
                versions: number | null;
                /** @description Training jobs running at once; further jobs wait */
                concurrentJobs: number | null;
                /** @description Minutes of training per UTC day, running jobs included */
                trainingMinutesPerDay: number | null;
                /** @description Prediction requests per minute */
                predictionsPerMinute: number | null;
            };
        };
        ProjectUsage: {
            projectId: string;
            quotas: {
                /** @description Bytes of stored datasets */
                storedBytes: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Stored datasets (each version counts) */
                datasets: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Models (names), including those unfinished jobs will create */
                models: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Model versions, including those unfinished jobs will create */
                versions: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Training jobs running at once; further jobs wait */
                concurrentJobs: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Minutes of training per UTC day, running jobs included */
                trainingMinutesPerDay: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
                /** @description Prediction requests per minute */
                predictionsPerMinute: {
                    /** @description null: unlimited */
                    limit: number | null;
                    usage: number;
                    /**
                     * Format: date-time
                     * @description When the usage of a quota over time starts again from zero
                     */
                    resetsAt?: string;
                };
            };
        };
        TuningTrial: {
            number: number;
            /**
             * @description stopped: it trailed the other trials at a rung (successive halving)
             * @enum {string}
             */
            state: "running" | "completed" | "stopped" | "failed" | "cancelled";
            /** @description The point of the search space it tried */
            params: {
                [key: string]: unknown;
            };
            trainingJobId: string | null;
            /** @description Its best validation loss at each rung reached, and the verdict */
            rungs: {
                epoch: number;
                value: number;
                /** @enum {string} */
                decision: "continue" | "stop";
            }[];
            /** @description The objective on the validation split, once completed */
            objective: number | null;
            epochsCompleted: number;
        };
        TuningJob: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            datasetId: string | null;
            modelName: string;
            target: string;
            task: string;
            /** @description The validated request: base model, search space, objective, algorithm, limits, the seed used */
            spec: {
                [key: string]: unknown;
            };
            cancelRequested: boolean;
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            bestTrial: number | null;
            /** @description The version the best trial registered */
            result: {
                model: string;
                version: number;
            } | null;
            trials: components["schemas"]["TuningTrial"][];
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        TuningJobSummary: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            datasetId: string | null;
            modelName: string;
            target: string;
            task: string;
            cancelRequested: boolean;
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            bestTrial: number | null;
            /** @description The version the best trial registered */
            result: {
                model: string;
                version: number;
            } | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            trialCount: number;
        };
        V2ServerMetadata: {
            name: string;
            version: string;
            extensions: string[];
        };
        V2ServerLive: {
            live: boolean;
        };
        V2ServerReady: {
            ready: boolean;
        };
        V2ModelReady: {
            name: string;
            version: string;
            ready: boolean;
        };
        V2ModelMetadata: {
            name: string;
            versions: string[];
            platform: string;
            /** @description One input per feature, shape [-1, 1]; plus 'input' of shape [-1, F] (features in input-schema order) when every feature has one datatype */
            inputs: {
                name: string;
                /** @enum {string} */
                datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
                shape: number[];
            }[];
            outputs: {
                name: string;
                /** @enum {string} */
                datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
                shape: number[];
            }[];
        };
        V2InferenceResponse: {
            model_name: string;
            model_version: string;
            id?: string;
            parameters?: {
                [key: string]: string | number | boolean;
            };
            outputs: {
                name: string;
                /** @enum {string} */
                datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
                shape: number[];
                data: (number | string | boolean)[];
            }[];
        };
        /** @description A minimal Triton model configuration (dims exclude the batch dimension) */
        V2ModelConfig: {
            name: string;
            platform: string;
            backend: string;
            max_batch_size: number;
            version_policy: {
                specific: {
                    versions: string[];
                };
            };
            input: {
                name: string;
                data_type: string;
                dims: number[];
            }[];
            output: {
                name: string;
                data_type: string;
                dims: number[];
            }[];
        };
        BatchPrediction: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            model: {
                name: string;
                version: number;
                alias: string | null;
            };
            input: {
                datasetId: string | null;
                uploaded: boolean;
                /** @enum {string} */
                format: "csv" | "ndjson";
            };
            /** @enum {string} */
            outputFormat: "csv" | "ndjson" | "parquet";
            passthrough: string[];
            progress: {
                rowsDone: number;
                /** @description Rows scored per second of running time, across attempts */
                rowsPerSecond: number | null;
                /** @description Rows that could not be scored (see GET .../errors) */
                errorCount: number;
                partsDone: number;
                partRows: number;
            };
            outputBytes: number;
            attempts: number;
            cancelRequested: boolean;
            error: ({
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            }) | null;
            /** @description Where the output is streamed from, once the job has succeeded */
            output: string | null;
            /** @description Where the row errors are streamed from, once the job has succeeded */
            errors: string | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        Webhook: {
            id: string;
            url: string;
            events: ("job.succeeded" | "job.failed" | "job.cancelled" | "tuning.finished" | "batch.finished" | "alias.moved" | "monitoring.alert")[];
            /** Format: date-time */
            createdAt: string;
        };
        CreatedWebhook: {
            id: string;
            url: string;
            events: ("job.succeeded" | "job.failed" | "job.cancelled" | "tuning.finished" | "batch.finished" | "alias.moved" | "monitoring.alert")[];
            /** Format: date-time */
            createdAt: string;
            /** @description The signing secret, shown this once: each delivery carries `Maas-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of `<t>.<body>` under this secret */
            secret: string;
        };
        WebhookDelivery: {
            id: string;
            eventId: string;
            eventType: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            lastStatusCode: number | null;
            lastError: string | null;
            attemptLog: ({
                attempt: number;
                at: string;
                statusCode: number | null;
                error: string | null;
                durationMs: number;
            } & {
                [key: string]: unknown;
            })[];
            /** @description The body sent */
            payload: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
            deliveredAt: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description METRICS_TOKEN is set and the request does not carry it (problem+json) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        code: string;
                        detail: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready" | "unready";
                        checks: {
                            database: {
                                ok: boolean;
                                error?: string;
                            };
                            redis: {
                                ok: boolean;
                                error?: string;
                            };
                            artifactStore: {
                                ok: boolean;
                                error?: string;
                            };
                        };
                    };
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        /** @enum {string} */
                        status: "ready" | "unready";
                        checks: {
                            database: {
                                ok: boolean;
                                error?: string;
                            };
                            redis: {
                                ok: boolean;
                                error?: string;
                            };
                            artifactStore: {
                                ok: boolean;
                                error?: string;
                            };
                        };
                    } | components["schemas"]["Problem"];
                };
            };
        };
    };
    listProjects: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Project"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProjectApiKeys: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default default */
                    name?: string;
                    /**
                     * @default [
                     *       "read",
                     *       "write",
                     *       "predict"
                     *     ]
                     */
                    scopes?: ("read" | "write" | "predict" | "admin")[];
                    /**
                     * Format: date-time
                     * @description When the key stops working (ISO 8601, in the future); never when absent
                     */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description The visible start of the key */
                        prefix: string;
                        scopes: ("read" | "write" | "predict" | "admin")[];
                        /** Format: date-time */
                        createdAt: string;
                        expiresAt: string | null;
                        revokedAt: string | null;
                        /** @description When the key last authenticated a request, to within a minute per replica */
                        lastUsedAt: string | null;
                        /** @description The secret; store it now, it is never shown again */
                        key: string;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description How long the old key keeps working beside the new one (0: it stops now)
                     * @default 3600
                     */
                    overlapSeconds?: number;
                    /**
                     * Format: date-time
                     * @description When the new key stops working; never when absent
                     */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description The visible start of the key */
                        prefix: string;
                        scopes: ("read" | "write" | "predict" | "admin")[];
                        /** Format: date-time */
                        createdAt: string;
                        expiresAt: string | null;
                        revokedAt: string | null;
                        /** @description When the key last authenticated a request, to within a minute per replica */
                        lastUsedAt: string | null;
                        /** @description The secret; store it now, it is never shown again */
                        key: string;
                        rotated: components["schemas"]["ApiKey"];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteAdminProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectErasure"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAdminProjectErasure: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectErasure"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                action?: string;
                outcome?: "success" | "failure";
                /** @description `admin`, `anonymous`, `system`, or an API key id */
                actor?: string;
                since?: string;
                until?: string;
                /** @description Admin token only: one project of the operator view */
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEvent"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateAdminMasterKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MasterKeyRotation"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAdminProjectQuotas: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectQuotas"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setAdminProjectQuotas: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Bytes of stored datasets */
                    storedBytes?: number | null;
                    /** @description Stored datasets (each version counts) */
                    datasets?: number | null;
                    /** @description Models (names), including those unfinished jobs will create */
                    models?: number | null;
                    /** @description Model versions, including those unfinished jobs will create */
                    versions?: number | null;
                    /** @description Training jobs running at once; further jobs wait */
                    concurrentJobs?: number | null;
                    /** @description Minutes of training per UTC day, running jobs included */
                    trainingMinutesPerDay?: number | null;
                    /** @description Prediction requests per minute */
                    predictionsPerMinute?: number | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectQuotas"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProjectUsage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectUsage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDatasets: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DatasetSummary"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createDataset: {
        parameters: {
            query?: {
                /** @description Dataset name (or a `name` form field in multipart uploads) */
                name?: string;
            };
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request returns the first answer; with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/csv": string;
                "application/x-ndjson": string;
                "application/ndjson": string;
                "application/jsonl": string;
                "application/csv": string;
                "multipart/form-data": {
                    name?: string;
                    /** Format: binary */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDataset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDataset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createDatasetImport: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request returns the first answer; with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description `https://...` (or `http://...`), or `s3://bucket/key` in a bucket the operator allows (IMPORT_S3_BUCKETS) */
                    url: string;
                    /** @description Dataset name; an existing name gets its next version */
                    name: string;
                    /**
                     * @description The file's format; by default from the source's Content-Type, else the URL path's extension
                     * @enum {string}
                     */
                    format?: "csv" | "ndjson" | "parquet" | "zip";
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTrainingJobs: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                modelName?: string;
                datasetId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TrainingJobSummary"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTrainingJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request returns the first answer; with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    datasetId: string;
                    target: string;
                    modelName: string;
                    /** @enum {string} */
                    task?: "classification" | "regression";
                    features?: string[];
                    split?: {
                        /** @default 0.2 */
                        test?: number;
                        /** @default 0.1 */
                        validation?: number;
                        seed?: number;
                        /** @default true */
                        stratify?: boolean;
                    };
                    model: {
                        /** @constant */
                        type: "linear";
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @constant */
                        type: "logistic";
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                    } | {
                        /** @constant */
                        type: "mlp";
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        /**
                         * @default [
                         *       {
                         *         "units": 32,
                         *         "activation": "relu",
                         *         "dropout": 0
                         *       }
                         *     ]
                         */
                        hiddenLayers?: {
                            units: number;
                            /**
                             * @default relu
                             * @enum {string}
                             */
                            activation?: "relu" | "tanh" | "sigmoid" | "elu" | "selu" | "linear";
                            /** @default 0 */
                            dropout?: number;
                        }[];
                        image?: {
                            height?: number;
                            width?: number;
                            channels?: 1 | 3;
                        };
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @constant */
                        type: "seasonalNaive";
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @constant */
                        type: "auto";
                        /** @default 100 */
                        epochs?: number;
                        batchSize?: number;
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        /**
                         * @description How long the search may train, in seconds: trials stop there and the best so far is kept
                         * @default 180
                         */
                        budgetSeconds?: number;
                        image?: {
                            height?: number;
                            width?: number;
                            channels?: 1 | 3;
                        };
                        text?: {
                            /** @default 5000 */
                            maxTokens?: number;
                            /** @default 32 */
                            maxLength?: number;
                            /** @default 1 */
                            oovBuckets?: number;
                            /** @default 1 */
                            minCount?: number;
                            /** @default true */
                            lowercase?: boolean;
                        };
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        /** @constant */
                        type: "cnn";
                        /**
                         * @default [
                         *       {
                         *         "filters": 16,
                         *         "kernelSize": 3,
                         *         "strides": 1,
                         *         "pooling": "max",
                         *         "dropout": 0
                         *       },
                         *       {
                         *         "filters": 32,
                         *         "kernelSize": 3,
                         *         "strides": 1,
                         *         "pooling": "max",
                         *         "dropout": 0
                         *       }
                         *     ]
                         */
                        convBlocks?: {
                            filters: number;
                            kernelSize: number;
                            /** @default 1 */
                            strides?: number;
                            /**
                             * @default max
                             * @enum {string}
                             */
                            pooling?: "max" | "avg" | "none";
                            /** @default 0 */
                            dropout?: number;
                        }[];
                        /**
                         * @default relu
                         * @enum {string}
                         */
                        activation?: "relu" | "elu" | "selu" | "tanh";
                        /**
                         * @default flatten
                         * @enum {string}
                         */
                        reduce?: "flatten" | "globalAverage";
                        /**
                         * @default [
                         *       64
                         *     ]
                         */
                        denseUnits?: number[];
                        /** @default 0.25 */
                        denseDropout?: number;
                        /** @default 32 */
                        embeddingDim?: number;
                        image?: {
                            height?: number;
                            width?: number;
                            channels?: 1 | 3;
                        };
                        text?: {
                            /** @default 5000 */
                            maxTokens?: number;
                            /** @default 32 */
                            maxLength?: number;
                            /** @default 1 */
                            oovBuckets?: number;
                            /** @default 1 */
                            minCount?: number;
                            /** @default true */
                            lowercase?: boolean;
                        };
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        /** @enum {string} */
                        type: "rnn" | "lstm" | "gru";
                        /**
                         * @default [
                         *       32
                         *     ]
                         */
                        units?: number[];
                        /** @default false */
                        bidirectional?: boolean;
                        /** @default 0 */
                        dropout?: number;
                        /** @default 32 */
                        embeddingDim?: number;
                        /** @default [] */
                        denseUnits?: number[];
                        image?: {
                            height?: number;
                            width?: number;
                            channels?: 1 | 3;
                        };
                        text?: {
                            /** @default 5000 */
                            maxTokens?: number;
                            /** @default 32 */
                            maxLength?: number;
                            /** @default 1 */
                            oovBuckets?: number;
                            /** @default 1 */
                            minCount?: number;
                            /** @default true */
                            lowercase?: boolean;
                        };
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    } | {
                        /** @default 100 */
                        epochs?: number;
                        /** @default 32 */
                        batchSize?: number;
                        /** @default 0.01 */
                        learningRate?: number;
                        /**
                         * @default adam
                         * @enum {string}
                         */
                        optimizer?: "sgd" | "momentum" | "adam" | "rmsprop";
                        /** @default 0 */
                        l2?: number;
                        earlyStopping?: false | {
                            patience: number;
                            /** @default 0 */
                            minDelta?: number;
                        };
                        seed?: number;
                        /** @default true */
                        standardizeTarget?: boolean;
                        /** @constant */
                        type: "transformer";
                        /** @default 32 */
                        embedDim?: number;
                        /** @default 2 */
                        numHeads?: number;
                        keyDim?: number;
                        /** @default 64 */
                        ffDim?: number;
                        /** @default 1 */
                        numBlocks?: number;
                        /** @default 0.1 */
                        dropout?: number;
                        /** @default false */
                        causal?: boolean;
                        /** @default [] */
                        denseUnits?: number[];
                        image?: {
                            height?: number;
                            width?: number;
                            channels?: 1 | 3;
                        };
                        text?: {
                            /** @default 5000 */
                            maxTokens?: number;
                            /** @default 32 */
                            maxLength?: number;
                            /** @default 1 */
                            oovBuckets?: number;
                            /** @default 1 */
                            minCount?: number;
                            /** @default true */
                            lowercase?: boolean;
                        };
                        sequence?: {
                            /** @default 16 */
                            lookback?: number;
                            /** @default 1 */
                            horizon?: number;
                            /** @default 1 */
                            stride?: number;
                            timeColumn?: string;
                            seriesColumn?: string;
                            calendarFeatures?: ("dayOfWeek" | "month" | "dayOfYear" | "hourOfDay")[];
                            /**
                             * @default none
                             * @enum {string}
                             */
                            fillGaps?: "none" | "previous" | "linear";
                            /** @default 1 */
                            season?: number;
                            /** @default 0.9 */
                            intervalLevel?: number;
                        };
                    };
                    /** @description The job fails when it runs longer than this */
                    maxDurationMs?: number;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTrainingJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelTrainingJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTrainingJobEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description The `id` of the last event received */
                "last-event-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-Sent Events: `status` (data: the job as GET /v1/training-jobs/{id} answers it), `epoch` (data: { epoch, loss, valLoss, metrics, elapsedMs }) and `end` (data: the final job; the stream closes), each with an `id` for Last-Event-ID; `: ping` comments between them. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listModels: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Model"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listModelVersions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `nextCursor` of the previous page */
                cursor?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ModelVersionSummary"][];
                        /** @description The cursor of the next page (a version number) */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        model: string;
                        version: number;
                        task: string;
                        modelType: string;
                        aliases: string[];
                        metrics: components["schemas"]["EvaluationMetrics"];
                        /** @description The model spec the version was trained with (type, layers, epochs, ...) */
                        hyperparameters: {
                            [key: string]: unknown;
                        };
                        /** @description Feature names, types and categories, in the order array instances use */
                        inputSchema: unknown;
                        /** @description SHA-256 of the input schema: equal hashes read instances alike */
                        inputSchemaHash: string;
                        /** @description Whether the input schema differs from the previous version (null for the first version) */
                        inputSchemaChanged: boolean | null;
                        /** @description Task and labels */
                        outputSchema: unknown;
                        /** @description The fitted transform applied before the model, at training and prediction alike */
                        preprocessing: unknown;
                        lineage: components["schemas"]["VersionLineage"];
                        artifact: {
                            key: string;
                            sha256: string;
                            /** @description Stored bytes (manifest and weights), counted in the stored-bytes quota */
                            bytes: number;
                            /**
                             * @description `tfjs-layers` (TensorFlow.js layers model) or `onnx` (served by ONNX Runtime)
                             * @enum {string}
                             */
                            format: "tfjs-layers" | "onnx";
                        };
                        backend: string;
                        trainingDurationMs: number;
                        /** Format: date-time */
                        createdAt: string;
                        /** @description TF Serving's model status: every registered version is AVAILABLE (loaded on first use) */
                        model_version_status: {
                            version: string;
                            /** @enum {string} */
                            state: "START" | "LOADING" | "AVAILABLE" | "UNLOADING" | "END";
                            status: {
                                error_code: string;
                                error_message: string;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteModelVersion: {
        parameters: {
            query?: {
                /** @description Also remove the aliases that point at what is deleted */
                force?: "true" | "false";
            };
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasedVersions"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelWithStatus"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    deleteModel: {
        parameters: {
            query?: {
                /** @description Also remove the aliases that point at what is deleted */
                force?: "true" | "false";
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasedVersions"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasMove"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setModelAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    version: number;
                    /** @description A shadow version, or null/absent for none */
                    shadow?: number | null;
                } | {
                    versions: {
                        version: number;
                        weight: number;
                    }[];
                    /** @description A shadow version, or null/absent for none */
                    shadow?: number | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasMove"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteModelAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasMove"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rollbackModelAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasMove"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelAliasHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            fromVersion: number | null;
                            toVersion: number | null;
                            /** @description The split and shadow before the move (null: a single version) */
                            fromRouting: {
                                /** @description The traffic split by weight, or null when the alias serves its `version` alone */
                                split: {
                                    version: number;
                                    weight: number;
                                }[] | null;
                                /** @description The version receiving a copy of every request (answers recorded, never returned), or null */
                                shadow: number | null;
                            } | null;
                            /** @description The split and shadow after the move */
                            toRouting: {
                                /** @description The traffic split by weight, or null when the alias serves its `version` alone */
                                split: {
                                    version: number;
                                    weight: number;
                                }[] | null;
                                /** @description The version receiving a copy of every request (answers recorded, never returned), or null */
                                shadow: number | null;
                            } | null;
                            /** Format: date-time */
                            at: string;
                        }[];
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelLogging: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictionLogging"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setModelLogging: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Share of prediction requests logged (0 turns logging off, 1 logs every request) */
                    sampleRate: number;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictionLogging"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    feedbackModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        predictionId: string;
                        /** @description The true label (classification) or value (regression) */
                        label: string | number | boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelTraffic: {
        parameters: {
            query?: {
                windowMinutes?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveTraffic"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelVersionMonitoring: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Monitoring"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setModelVersionMonitoring: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default 60 */
                    windowMinutes?: number;
                    /** @default 100 */
                    minSamples?: number;
                    /** @default {} */
                    thresholds?: {
                        /** @description Limits per statistic; null reports it without alerting */
                        features?: {
                            psi?: number | null;
                            js?: number | null;
                            ks?: number | null;
                            missingRate?: number | null;
                            unseenRate?: number | null;
                        };
                        perFeature?: {
                            [key: string]: {
                                psi?: number | null;
                                js?: number | null;
                                ks?: number | null;
                                missingRate?: number | null;
                                unseenRate?: number | null;
                            };
                        };
                        /** @description Limits per statistic; null reports it without alerting */
                        prediction?: {
                            psi?: number | null;
                            js?: number | null;
                            ks?: number | null;
                            missingRate?: number | null;
                            unseenRate?: number | null;
                        };
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Monitoring"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteModelVersionMonitoring: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Monitoring"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createModelVersionMonitoringRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitoringRun"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listModelAlerts: {
        parameters: {
            query?: {
                version?: number;
                limit?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MonitoringAlert"][];
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createModelPredictionLogsDataset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @default 1440 */
                    windowMinutes?: number;
                    /** @default true */
                    labeledOnly?: boolean;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createModelImport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description The ModelImportSpec as JSON; send it before the files */
                    spec: string;
                    /** @description `model.json` and every weight shard it names (by file name), or one `model.onnx` */
                    files?: string[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersion"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelVersionArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A gzipped tar archive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": string;
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": components["schemas"]["Problem"];
                };
            };
        };
    };
    predictModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted for TensorFlow Serving clients; every model has one signature, serving_default */
                    signature_name?: string;
                    /** @description Row format: objects keyed by feature name, or arrays in input-schema order */
                    instances?: unknown[];
                    /** @description Columnar format: each feature name maps to its list of values, one per example */
                    inputs?: {
                        [key: string]: unknown[];
                    } | unknown[];
                    /** @description Row format: keys of the instances (e.g. an id) echoed beside each prediction as `passthrough`, accepted whether or not the model reads them */
                    passthrough?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    classifyModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    regressModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegressResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    predictModelLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted for TensorFlow Serving clients; every model has one signature, serving_default */
                    signature_name?: string;
                    /** @description Row format: objects keyed by feature name, or arrays in input-schema order */
                    instances?: unknown[];
                    /** @description Columnar format: each feature name maps to its list of values, one per example */
                    inputs?: {
                        [key: string]: unknown[];
                    } | unknown[];
                    /** @description Row format: keys of the instances (e.g. an id) echoed beside each prediction as `passthrough`, accepted whether or not the model reads them */
                    passthrough?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    classifyModelLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    regressModelLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegressResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    predictModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted for TensorFlow Serving clients; every model has one signature, serving_default */
                    signature_name?: string;
                    /** @description Row format: objects keyed by feature name, or arrays in input-schema order */
                    instances?: unknown[];
                    /** @description Columnar format: each feature name maps to its list of values, one per example */
                    inputs?: {
                        [key: string]: unknown[];
                    } | unknown[];
                    /** @description Row format: keys of the instances (e.g. an id) echoed beside each prediction as `passthrough`, accepted whether or not the model reads them */
                    passthrough?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    classifyModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    regressModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature_name?: string;
                    /** @description Features shared by every example */
                    context?: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    };
                    /** @description One object per example, keyed by feature name */
                    examples: {
                        [key: string]: (string | number | boolean | null | {
                            b64: string;
                        }) | (string | number | boolean | null | {
                            b64: string;
                        })[];
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegressResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getModelLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelStatus"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getModelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelMetadata"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getModelVersionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelMetadata"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getModelLabelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelMetadata"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getModelVersionEvaluation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionEvaluation"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelCompare: {
        parameters: {
            query?: {
                /** @description Comma-separated version numbers, 1 to 10 of them, e.g. `1,2,5` */
                versions?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionComparison"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    explainModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted as on `:predict` */
                    signature_name?: string;
                    /** @description As on `:predict` (row format) */
                    instances: unknown[];
                    explanation?: {
                        /**
                         * @description Default per kind: tabular and text `shapley`, images and sequences `integrated-gradients`. Tabular models also take `integrated-gradients`; images and sequences `smoothgrad`.
                         * @enum {string}
                         */
                        method?: "shapley" | "integrated-gradients" | "smoothgrad";
                        /** @description Shapley permutation samples (or SmoothGrad noisy copies); capped by EXPLAIN_MAX_SAMPLES */
                        samples?: number;
                        /** @description Integrated-gradient steps; capped by EXPLAIN_MAX_STEPS */
                        steps?: number;
                        /** @description Same seed, same attributions (default 0) */
                        seed?: number;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExplainResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    explainModelLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted as on `:predict` */
                    signature_name?: string;
                    /** @description As on `:predict` (row format) */
                    instances: unknown[];
                    explanation?: {
                        /**
                         * @description Default per kind: tabular and text `shapley`, images and sequences `integrated-gradients`. Tabular models also take `integrated-gradients`; images and sequences `smoothgrad`.
                         * @enum {string}
                         */
                        method?: "shapley" | "integrated-gradients" | "smoothgrad";
                        /** @description Shapley permutation samples (or SmoothGrad noisy copies); capped by EXPLAIN_MAX_SAMPLES */
                        samples?: number;
                        /** @description Integrated-gradient steps; capped by EXPLAIN_MAX_STEPS */
                        steps?: number;
                        /** @description Same seed, same attributions (default 0) */
                        seed?: number;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExplainResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    explainModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Accepted as on `:predict` */
                    signature_name?: string;
                    /** @description As on `:predict` (row format) */
                    instances: unknown[];
                    explanation?: {
                        /**
                         * @description Default per kind: tabular and text `shapley`, images and sequences `integrated-gradients`. Tabular models also take `integrated-gradients`; images and sequences `smoothgrad`.
                         * @enum {string}
                         */
                        method?: "shapley" | "integrated-gradients" | "smoothgrad";
                        /** @description Shapley permutation samples (or SmoothGrad noisy copies); capped by EXPLAIN_MAX_SAMPLES */
                        samples?: number;
                        /** @description Integrated-gradient steps; capped by EXPLAIN_MAX_STEPS */
                        steps?: number;
                        /** @description Same seed, same attributions (default 0) */
                        seed?: number;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExplainResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ServerMetadata"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2HealthLive: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ServerLive"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2HealthReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ServerReady"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        ready: boolean;
                    };
                };
            };
        };
    };
    getV2Model: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelMetadata"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2ModelConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelConfig"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2ModelReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelReady"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    inferV2Model: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    parameters?: {
                        [key: string]: string | number | boolean;
                    };
                    inputs: {
                        name: string;
                        shape: number[];
                        /** @enum {string} */
                        datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
                        parameters?: {
                            [key: string]: string | number | boolean;
                        };
                        /** @description Row-major, flat or nested */
                        data: unknown[];
                    }[];
                    /** @description Outputs to return; all when absent */
                    outputs?: {
                        name: string;
                        parameters?: {
                            [key: string]: string | number | boolean;
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2InferenceResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2ModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelMetadata"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2ModelVersionConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelConfig"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    getV2ModelVersionReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelReady"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    inferV2ModelVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    parameters?: {
                        [key: string]: string | number | boolean;
                    };
                    inputs: {
                        name: string;
                        shape: number[];
                        /** @enum {string} */
                        datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
                        parameters?: {
                            [key: string]: string | number | boolean;
                        };
                        /** @description Row-major, flat or nested */
                        data: unknown[];
                    }[];
                    /** @description Outputs to return; all when absent */
                    outputs?: {
                        name: string;
                        parameters?: {
                            [key: string]: string | number | boolean;
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2InferenceResponse"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ServingProblem"];
                };
            };
        };
    };
    listTuningJobs: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TuningJobSummary"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTuningJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request returns the first answer; with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    datasetId: string;
                    target: string;
                    modelName: string;
                    /** @enum {string} */
                    task?: "classification" | "regression";
                    features?: string[];
                    split?: {
                        /** @default 0.2 */
                        test?: number;
                        /** @default 0.1 */
                        validation?: number;
                        seed?: number;
                        /** @default true */
                        stratify?: boolean;
                    };
                    /**
                     * @description The base model spec, as a training request has it; searched fields are set per trial
                     * @default {}
                     */
                    model?: {
                        [key: string]: unknown;
                    };
                    /** @description Parameters by dotted path into the model spec (e.g. learningRate, hiddenLayers.0.units): {type: choice, values} | {type: int|float, min, max, scale: linear|log} */
                    searchSpace: {
                        [key: string]: {
                            /** @constant */
                            type: "choice";
                            values: (string | number | boolean)[];
                        } | {
                            /** @constant */
                            type: "int";
                            min: number;
                            max: number;
                            /**
                             * @default linear
                             * @enum {string}
                             */
                            scale?: "linear" | "log";
                        } | {
                            /** @constant */
                            type: "float";
                            min: number;
                            max: number;
                            /**
                             * @default linear
                             * @enum {string}
                             */
                            scale?: "linear" | "log";
                        };
                    };
                    /**
                     * @default {
                     *       "metric": "valLoss"
                     *     }
                     */
                    objective?: {
                        /**
                         * @default valLoss
                         * @enum {string}
                         */
                        metric?: "valLoss" | "accuracy" | "logLoss" | "rocAuc" | "macroF1" | "weightedF1" | "rmse" | "mae" | "mse" | "r2";
                        /**
                         * @description Defaults to the metric’s own
                         * @enum {string}
                         */
                        direction?: "minimize" | "maximize";
                    };
                    /**
                     * @default tpe
                     * @enum {string}
                     */
                    algorithm?: "random" | "tpe";
                    /**
                     * @description Successive halving: trials trailing at a rung stop; false runs every trial to its end
                     * @default {
                     *       "type": "asha",
                     *       "reductionFactor": 3
                     *     }
                     */
                    trialStopping?: false | {
                        /**
                         * @default asha
                         * @constant
                         */
                        type?: "asha";
                        minEpochs?: number;
                        /** @default 3 */
                        reductionFactor?: number;
                    };
                    /** @default 16 */
                    maxTrials?: number;
                    /** @default 2 */
                    parallelTrials?: number;
                    /** @default 360 */
                    maxMinutes?: number;
                    seed?: number;
                    /** @description Moved to the registered version when the search ends */
                    alias?: string;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TuningJob"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTuningJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TuningJob"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelTuningJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TuningJob"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatchPredictions: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                model?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["BatchPrediction"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createBatchPrediction: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request returns the first answer; with a different request, 422. 1 to 255 visible ASCII characters; remembered for IDEMPOTENCY_TTL_SECONDS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The model whose version scores the rows */
                    model: string;
                    /** @description A version number; or `alias`; neither: the default */
                    version?: number;
                    /** @description An alias (resolved once, at submission); or `version` */
                    alias?: string;
                    /**
                     * @description parquet: one file, a row group per part; its errors are NDJSON
                     * @default csv
                     * @enum {string}
                     */
                    outputFormat?: "csv" | "ndjson" | "parquet";
                    /**
                     * Format: uuid
                     * @description The stored dataset (CSV or NDJSON) whose rows are scored
                     */
                    datasetId: string;
                    /**
                     * @description Input columns copied next to each prediction (e.g. a customer id)
                     * @default []
                     */
                    passthrough?: string[];
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPrediction"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createBatchPredictionsUpload: {
        parameters: {
            query: {
                /** @description The model whose version scores the rows */
                model: string;
                /** @description A version number; or `alias`; neither: the default */
                version?: number;
                /** @description An alias (resolved once, at submission); or `version` */
                alias?: string;
                /** @description parquet: one file, a row group per part; its errors are NDJSON */
                outputFormat?: "csv" | "ndjson" | "parquet";
                /** @description Comma-separated input columns copied next to each prediction */
                passthrough?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPrediction"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBatchPrediction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPrediction"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelBatchPrediction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPrediction"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBatchPredictionOutput: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file, streamed (text/csv, application/x-ndjson or application/vnd.apache.parquet) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": string;
                    "application/x-ndjson; charset=utf-8": string;
                    "application/vnd.apache.parquet": string;
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                    "application/vnd.apache.parquet": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                    "application/vnd.apache.parquet": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                    "application/vnd.apache.parquet": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                    "application/vnd.apache.parquet": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatchPredictionErrors: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file, streamed (text/csv, application/x-ndjson or application/vnd.apache.parquet) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": string;
                    "application/x-ndjson; charset=utf-8": string;
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv; charset=utf-8": components["schemas"]["Problem"];
                    "application/x-ndjson; charset=utf-8": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Webhook"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uri
                     * @description Where events are POSTed (http or https); loopback and private addresses are refused
                     */
                    url: string;
                    events: ("job.succeeded" | "job.failed" | "job.cancelled" | "tuning.finished" | "batch.finished" | "alias.moved" | "monitoring.alert")[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["WebhookDelivery"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
