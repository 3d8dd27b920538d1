export { MaasClient } from './client.js';
export type {
  AliasMove,
  Dataset,
  EpochProgress,
  EvaluationMetrics,
  ExplainOptions,
  ExplainResponse,
  Explanation,
  Instance,
  MaasClientOptions,
  Model,
  ModelVersion,
  ModelVersionSummary,
  Page,
  PredictRequest,
  PredictResponse,
  RequestOptions,
  TrainingJob,
  TrainingJobRequest,
  TrainingJobSummary,
  UploadOptions,
  UploadSource,
  VersionRef,
  WaitOptions,
} from './client.js';
export { ProblemError, type Problem } from './errors.js';
export type { components, operations, paths } from './openapi.js';
