import { readFileSync } from 'node:fs';
import { projectPath } from './project-paths.ts';

/**
 * The service's version: package.json's, read once at start (from the sources or the build in
 * dist/ alike, as project-paths finds the root). The OpenAPI document and the Open Inference
 * server metadata (`GET /v2`) both report it.
 */
export const serviceVersion: string = (
  JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }
).version;
