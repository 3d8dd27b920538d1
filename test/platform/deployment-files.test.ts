import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, SETTING_NAMES } from '../../src/config/env.ts';
import { entryPoints } from '../../scripts/build.mjs';

/**
 * What can be checked of the Docker and Kubernetes files without a Docker daemon or a cluster:
 * that they name files, commands and settings that exist, that the manifests are valid
 * Kubernetes objects (the API's JSON schemas, from kubernetes-models), and that the environment
 * each process gets is a configuration the service accepts.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(root + file, 'utf8');

/** Variables a deployment sets for the AWS SDK and the NVIDIA runtime rather than for the service. */
const FOREIGN = /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|NVIDIA_[A-Z_]+)$/;
const built = new Set(Object.keys(entryPoints).map((name) => `dist/${name}.js`));

/** Every `dist/*.js` a command names must be a build entry, and no image may start through npm. */
function checkCommand(words: string[], where: string): void {
  const line = words.join(' ');
  expect(line, `${where} starts through npm, which keeps SIGTERM from node`).not.toMatch(/\bnpm (run|start)\b/);
  for (const script of line.match(/dist\/[\w-]+\.js/g) ?? []) expect(built, `${where}: ${script}`).toContain(script);
}

/** Accepts `env` as the service would, with placeholders and `${VAR:?...}` filled in with valid values. */
function checkEnvironment(env: Record<string, string>, where: string): void {
  const filled = Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      const placeholder = /CHANGE-ME|\$\{/.test(String(value));
      if (!placeholder) return [name, String(value)];
      if (name === 'MAAS_MASTER_KEY') return [name, randomBytes(32).toString('base64')];
      if (name === 'DATABASE_URL') return [name, 'postgresql://maas:secret@postgres:5432/maas'];
      return [name, `filled-${randomBytes(12).toString('hex')}`];
    }),
  );
  for (const name of Object.keys(filled)) {
    expect(SETTING_NAMES.includes(name) || FOREIGN.test(name), `${where}: ${name} is no setting`).toBe(true);
  }
  expect(() => loadConfig({ DATABASE_URL: 'postgresql://x@db/maas', ...filled }), where).not.toThrow();
}

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const ignored = read('.dockerignore').split('\n').filter(Boolean);

  it('copies only files that exist and that .dockerignore lets through', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copies.length).toBeGreaterThan(5);
    for (const source of copies) {
      expect(existsSync(root + source), `COPY ${source}`).toBe(true);
      expect(ignored, `COPY ${source} is ignored`).not.toContain(source);
    }
  });

  it('starts node directly under tini, on entry points the build makes', () => {
    const commands = [...dockerfile.matchAll(/^(?:CMD|ENTRYPOINT) (\[.*\])$/gm)].map(
      (m) => JSON.parse(m[1]!) as string[],
    );
    expect(commands).toContainEqual(['/usr/bin/tini', '--']);
    for (const command of commands) checkCommand(command, 'Dockerfile');
    expect(dockerfile).toMatch(/^FROM runtime AS gpu-worker$/m);
    // Every npm script the build stage runs exists.
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const [, name] of dockerfile.matchAll(/npm run ([\w:-]+)/g)) expect(Object.keys(scripts)).toContain(name);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; build?: unknown }>;
  };

  it('gives every service of ours a valid configuration and a command the build makes', () => {
    const ours = Object.entries(compose.services).filter(([, service]) => service.build);
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'gpu-worker', 'worker']);
    for (const [name, service] of ours) {
      checkCommand(service.command ?? [], `compose ${name}`);
      checkEnvironment(service.environment ?? {}, `compose ${name}`);
      expect(service.environment?.ARTIFACT_STORE, `${name} shares nothing local`).toMatch(/^s3:\/\//);
    }
    expect(compose.services.minio).toBeDefined();
  });
});

describe('the Kubernetes manifests', () => {
  const folder = 'deploy/kubernetes/';
  const files = readdirSync(root + folder).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
  const documents = files.flatMap((file) =>
    parseAllDocuments(read(folder + file)).map((document) => ({ file, object: document.toJS() as Manifest })),
  );
  const models: Record<string, new (data: never) => { validate(): void }> = {
    'v1/ConfigMap': core.ConfigMap,
    'v1/Secret': core.Secret,
    'v1/Service': core.Service,
    'apps/v1/Deployment': apps.Deployment,
    'batch/v1/Job': batch.Job,
    'autoscaling/v2/HorizontalPodAutoscaler': autoscaling.HorizontalPodAutoscaler,
    'policy/v1/PodDisruptionBudget': policy.PodDisruptionBudget,
  };

  it('are valid objects of the Kubernetes API, all listed in the kustomization', () => {
    const kustomization = parse(read(folder + 'kustomization.yaml')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
    for (const { file, object } of documents) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(
        () => new Model!(object as never).validate(),
        `${file}: ${object.kind} ${object.metadata.name}`,
      ).not.toThrow();
    }
  });

  it('run the entry points the build makes, with the configuration and secret the service accepts', () => {
    const config = documents.find(({ object }) => object.kind === 'ConfigMap')!.object.data!;
    const secret = documents.find(({ object }) => object.kind === 'Secret')!.object.stringData!;
    checkEnvironment({ ...config, ...secret }, 'maas-config + maas-secrets');
    const pods = documents.filter(({ object }) => ['Deployment', 'Job'].includes(object.kind));
    expect(pods.map(({ object }) => object.metadata.name).sort()).toEqual([
      'maas-api',
      'maas-gpu-worker',
      'maas-migrate',
      'maas-worker',
    ]);
    for (const { object } of pods) {
      const container = object.spec!.template!.spec!.containers[0]!;
      checkCommand(container.command ?? [], object.metadata.name);
      if (object.metadata.name.includes('worker')) {
        // Time for a checkpoint at the next batch of a long epoch.
        expect(object.spec!.template!.spec!.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
      }
    }
    const gpu = pods.find(({ object }) => object.metadata.name === 'maas-gpu-worker')!.object;
    expect(gpu.spec!.template!.spec!.containers[0]!.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    const api = pods.find(({ object }) => object.metadata.name === 'maas-api')!.object.spec!.template!.spec!;
    expect(api.containers[0]!.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(api.containers[0]!.livenessProbe?.httpGet?.path).toBe('/healthz');
  });
});

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    template?: {
      spec?: {
        terminationGracePeriodSeconds?: number;
        containers: {
          command?: string[];
          resources?: { limits?: Record<string, unknown> };
          readinessProbe?: { httpGet?: { path: string } };
          livenessProbe?: { httpGet?: { path: string } };
        }[];
      };
    };
  };
}
