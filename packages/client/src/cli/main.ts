import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MaasClient, type TrainingJob, type TrainingJobRequest, type TuningJobRequest } from '../client.js';
import { ProblemError } from '../errors.js';
import { credentialsPath, loadCredentials, removeCredentials, saveCredentials } from './credentials.js';
import { csvRecords, toCsv } from './csv.js';
import { formatNumber, ProgressBar, table } from './output.js';

/** What the exit status means, for scripts (also in `maas --help`). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  refused: 5,
  unavailable: 6,
  jobFailed: 7,
} as const;

const HELP = `maas: the model-as-a-service command line

Usage: maas <command> [options]

  login [--url URL] [--api-key KEY]   save credentials (the key is read from stdin when not given)
  logout                              forget them
  datasets upload FILE [--name NAME]  upload a CSV, NDJSON or ZIP file (name: the file's, by default)
  datasets ls
  train --dataset ID --target COLUMN [--model-name NAME] [--type mlp] [--epochs N]
        [--model JSON] [--no-wait]    queue a training job and follow it to its metrics
  jobs show ID | jobs wait ID         a job, or wait for it with a progress bar
  models ls
  versions ls MODEL | versions show MODEL VERSION
  promote MODEL VERSION [--alias production]
  predict MODEL [--version N | --alias A] [--input FILE] [--format json|csv] [--output json|csv]
        instances from FILE or stdin: JSON ({"instances": [...]} or an array), or CSV with a header
  batch MODEL --input FILE [--version N | --alias A] [--format csv|ndjson] [--passthrough a,b]
        [--output FILE] [--no-wait]   score a whole CSV/NDJSON file on the workers; the scored rows
                                      to --output (stdout by default), unscorable rows to stderr
  tune --dataset ID --target COLUMN --space JSON [--model-name NAME] [--model JSON]
        [--max-trials N] [--parallel N] [--algorithm tpe|random] [--objective METRIC]
        [--alias A] [--no-wait]       a hyperparameter search; prints its trials and best version

Options everywhere: --json (the API's JSON answer on stdout), --url, --api-key, --help.
Credentials: MAAS_URL and MAAS_API_KEY, else those saved by \`maas login\` (${credentialsPath()}).

Exit status: 0 done; 1 unexpected error; 2 usage error; 3 not authenticated or not allowed;
4 not found; 5 request refused (invalid, conflict, too large); 6 service unavailable or rate
limited after retries; 7 the training, batch or tuning job failed or was cancelled.
`;

class UsageError extends Error {}

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

const common = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...common, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function clientFor(values: { url?: string; 'api-key'?: string }): Promise<MaasClient> {
  const saved = await loadCredentials();
  const baseUrl = values.url ?? saved.url;
  const apiKey = values['api-key'] ?? saved.apiKey;
  if (!baseUrl || !apiKey)
    throw new ProblemError({
      status: 401,
      code: 'not_logged_in',
      detail: 'No credentials: run `maas login`, or set MAAS_URL and MAAS_API_KEY.',
    });
  return new MaasClient({ baseUrl, apiKey, headers: { 'user-agent': 'maas-cli' } });
}

const print = (io: Io, json: boolean, value: unknown, text: () => string) =>
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());

function metricsTable(metrics: Record<string, unknown> | null | undefined): string {
  const rows = Object.entries(metrics ?? {})
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => [name, formatNumber(value)]);
  return rows.length ? table([['metric', 'value'], ...rows]) : '';
}

/** Follows a job with a progress bar on stderr; the job as it ended. */
async function follow(client: MaasClient, job: TrainingJob, io: Io, quiet: boolean): Promise<TrainingJob> {
  const bar = new ProgressBar(io.stderr);
  let total = job.progress.totalEpochs;
  const ended = await client.waitForJob(job.id, {
    onJob: (current) => {
      total = current.progress.totalEpochs ?? total;
      if (!quiet && current.progress.epochs.length === 0) bar.update(0, total, current.status);
    },
    onEpoch: (epoch) => {
      if (quiet) return;
      const loss = epoch.loss === null ? '' : ` loss ${formatNumber(epoch.loss)}`;
      const valLoss =
        epoch.valLoss === null || epoch.valLoss === undefined ? '' : ` val ${formatNumber(epoch.valLoss)}`;
      bar.update(epoch.epoch, total, `epoch ${epoch.epoch}${loss}${valLoss}`);
    },
  });
  if (!quiet) bar.end();
  return ended;
}

function jobSummary(job: TrainingJob): string {
  const lines = [`job ${job.id}: ${job.status}`];
  if (job.result) lines.push(`model ${job.result.model} version ${job.result.version}`);
  if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
  return `${lines.join('\n')}\n${metricsTable(job.metrics as Record<string, unknown> | null)}`;
}

const versionNumber = (text: string | undefined, what = 'VERSION') => {
  if (!text || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a version number`);
  return Number(text);
};

type Command = (args: string[], io: Io) => Promise<number>;

const commands: Record<string, Command> = {
  async login(args, io) {
    const { values } = parse(args, {});
    const url = values.url ?? process.env.MAAS_URL;
    if (!url) throw new UsageError('login needs --url (or MAAS_URL)');
    const apiKey = values['api-key'] ?? process.env.MAAS_API_KEY ?? (await readAll(io.stdin)).trim();
    if (!apiKey) throw new UsageError('login needs an API key: --api-key, MAAS_API_KEY, or on stdin');
    // A key that authenticates is saved even when it may not read usage (a predict-only key: 403).
    await new MaasClient({ baseUrl: url, apiKey, retries: 1 })
      .request('GET', '/v1/project/usage')
      .catch((error: unknown) => {
        if (!(error instanceof ProblemError && error.status === 403)) throw error;
      });
    const file = await saveCredentials({ url: url.replace(/\/+$/, ''), apiKey });
    print(io, values.json ?? false, { url, credentials: file }, () => `logged in to ${url}; credentials in ${file}\n`);
    return EXIT.ok;
  },

  async logout(args, io) {
    const { values } = parse(args, {});
    await removeCredentials();
    print(io, values.json ?? false, { loggedOut: true }, () => 'logged out\n');
    return EXIT.ok;
  },

  async datasets(args, io) {
    const { values, positionals } = parse(args, { name: { type: 'string' } });
    const [action, file] = positionals;
    const client = await clientFor(values);
    if (action === 'ls') {
      const items: Record<string, unknown>[] = [];
      for await (const item of client.paginate<Record<string, unknown>>('/v1/datasets')) items.push(item);
      print(io, values.json ?? false, items, () =>
        table([
          ['id', 'name', 'version', 'rows', 'format'],
          ...items.map((d) => [d.id, d.name, d.version, d.rowCount, d.format] as string[]),
        ]),
      );
      return EXIT.ok;
    }
    if (action !== 'upload' || !file)
      throw new UsageError('usage: maas datasets upload FILE [--name NAME] | maas datasets ls');
    const name = values.name ?? path.basename(file).replace(/\.[^.]+$/, '');
    const dataset = await client.uploadDataset(name, await openAsBlob(file), { fileName: file });
    print(
      io,
      values.json ?? false,
      dataset,
      () =>
        `${dataset.id}\n` +
        table([
          ['name', 'version', 'rows', 'columns'],
          [dataset.name, dataset.version, dataset.rowCount, dataset.columns.length],
        ]),
    );
    return EXIT.ok;
  },

  async train(args, io) {
    const { values } = parse(args, {
      dataset: { type: 'string' },
      target: { type: 'string' },
      'model-name': { type: 'string' },
      type: { type: 'string' },
      epochs: { type: 'string' },
      model: { type: 'string' },
      'no-wait': { type: 'boolean' },
      'idempotency-key': { type: 'string' },
    });
    if (!values.dataset || !values.target) throw new UsageError('train needs --dataset ID and --target COLUMN');
    let model: Record<string, unknown>;
    try {
      model = values.model ? (JSON.parse(values.model) as Record<string, unknown>) : { type: values.type ?? 'mlp' };
    } catch {
      throw new UsageError('--model must be a JSON object, e.g. \'{"type":"mlp","epochs":40}\'');
    }
    if (values.type) model.type = values.type;
    if (values.epochs) model.epochs = versionNumber(values.epochs, '--epochs');
    const request = {
      datasetId: values.dataset,
      target: values.target,
      modelName: values['model-name'] ?? values.target,
      model,
    } as TrainingJobRequest;
    const client = await clientFor(values);
    const job = await client.train(request, { idempotencyKey: values['idempotency-key'] });
    if (values['no-wait']) {
      print(io, values.json ?? false, job, () => `${job.id}\n`);
      return EXIT.ok;
    }
    if (!values.json) io.stderr.write(`job ${job.id} queued\n`);
    const ended = await follow(client, job, io, values.json ?? false);
    print(io, values.json ?? false, ended, () => jobSummary(ended));
    return ended.status === 'succeeded' ? EXIT.ok : EXIT.jobFailed;
  },

  async jobs(args, io) {
    const { values, positionals } = parse(args, {});
    const [action, id] = positionals;
    if (!id || (action !== 'show' && action !== 'wait')) throw new UsageError('usage: maas jobs show|wait ID');
    const client = await clientFor(values);
    const job =
      action === 'show'
        ? await client.getTrainingJob(id)
        : await follow(client, await client.getTrainingJob(id), io, values.json ?? false);
    print(io, values.json ?? false, job, () => jobSummary(job));
    return action === 'wait' && job.status !== 'succeeded' ? EXIT.jobFailed : EXIT.ok;
  },

  async models(args, io) {
    const { values, positionals } = parse(args, {});
    if (positionals[0] !== 'ls') throw new UsageError('usage: maas models ls');
    const client = await clientFor(values);
    const items: Record<string, unknown>[] = [];
    for await (const item of client.paginate<Record<string, unknown>>('/v1/models')) items.push(item);
    print(io, values.json ?? false, items, () =>
      table([
        ['name', 'task', 'latest', 'aliases'],
        ...items.map((m) => [
          m.name as string,
          m.task as string,
          m.latestVersion as number,
          Object.entries(m.aliases as Record<string, number>)
            .map(([alias, version]) => `${alias}=${version}`)
            .join(' '),
        ]),
      ]),
    );
    return EXIT.ok;
  },

  async versions(args, io) {
    const { values, positionals } = parse(args, {});
    const [action, name, version] = positionals;
    if (!name || (action !== 'ls' && action !== 'show'))
      throw new UsageError('usage: maas versions ls MODEL | maas versions show MODEL VERSION');
    const client = await clientFor(values);
    if (action === 'ls') {
      const items: Record<string, unknown>[] = [];
      for await (const item of client.paginate<Record<string, unknown>>(
        `/v1/models/${encodeURIComponent(name)}/versions`,
      ))
        items.push(item);
      print(io, values.json ?? false, items, () =>
        table([
          ['version', 'type', 'aliases', 'created'],
          ...items.map((v) => [
            v.version as number,
            v.modelType as string,
            (v.aliases as string[]).join(' '),
            v.createdAt as string,
          ]),
        ]),
      );
      return EXIT.ok;
    }
    const shown = await client.getVersion(name, versionNumber(version));
    print(
      io,
      values.json ?? false,
      shown,
      () =>
        table([
          ['model', 'version', 'type', 'task', 'aliases', 'dataset'],
          [
            shown.model,
            shown.version,
            shown.modelType,
            shown.task,
            shown.aliases.join(' '),
            shown.lineage.datasetName ?? shown.lineage.datasetId,
          ],
        ]) +
        '\n' +
        metricsTable(shown.metrics as Record<string, unknown>),
    );
    return EXIT.ok;
  },

  async promote(args, io) {
    const { values, positionals } = parse(args, { alias: { type: 'string' } });
    const [name, version] = positionals;
    if (!name) throw new UsageError('usage: maas promote MODEL VERSION [--alias production]');
    const alias = values.alias ?? 'production';
    const client = await clientFor(values);
    const moved = await client.setAlias(name, alias, versionNumber(version));
    print(
      io,
      values.json ?? false,
      moved,
      () =>
        `${name}: ${alias} -> version ${moved.version}${moved.previousVersion ? ` (was ${moved.previousVersion})` : ''}\n`,
    );
    return EXIT.ok;
  },

  async batch(args, io) {
    const { values, positionals } = parse(args, {
      version: { type: 'string' },
      alias: { type: 'string' },
      input: { type: 'string', short: 'i' },
      format: { type: 'string' },
      passthrough: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'no-wait': { type: 'boolean' },
    });
    const [name] = positionals;
    if (!name || !values.input) throw new UsageError('usage: maas batch MODEL --input FILE [--output FILE]');
    if (values.version && values.alias) throw new UsageError('give --version or --alias, not both');
    const outputFormat = values.format ?? 'csv';
    if (outputFormat !== 'csv' && outputFormat !== 'ndjson') throw new UsageError('--format is csv or ndjson');
    const client = await clientFor(values);
    const batch = await client.batchPredict(name, await openAsBlob(values.input), {
      fileName: values.input,
      version: values.version ? versionNumber(values.version, '--version') : undefined,
      alias: values.alias,
      outputFormat,
      passthrough: values.passthrough?.split(',').map((column) => column.trim()),
    });
    if (values['no-wait']) {
      print(io, values.json ?? false, batch, () => `${batch.id}\n`);
      return EXIT.ok;
    }
    const bar = new ProgressBar(io.stderr);
    const ended = await client.waitForBatch(batch.id, {
      onPoll: (current) => {
        if (!values.json) bar.update(current.progress.rowsDone, undefined, `${current.status}, rows scored`);
      },
    });
    if (!values.json) bar.end();
    if (ended.status !== 'succeeded') {
      print(io, values.json ?? false, ended, () => `batch ${ended.id}: ${ended.status} ${ended.error?.code ?? ''}\n`);
      return EXIT.jobFailed;
    }
    const target = values.output && values.output !== '-' ? createWriteStream(values.output) : undefined;
    await pipeline(Readable.fromWeb((await client.batchOutput(ended.id)) as never), target ?? io.stdout, {
      end: target !== undefined,
    });
    if (ended.progress.errorCount > 0) {
      io.stderr.write(`${ended.progress.errorCount} row(s) could not be scored:\n`);
      await pipeline(Readable.fromWeb((await client.batchOutput(ended.id, 'errors')) as never), io.stderr, {
        end: false,
      });
    }
    if (values.json && target) print(io, true, ended, () => '');
    return EXIT.ok;
  },

  async tune(args, io) {
    const { values } = parse(args, {
      dataset: { type: 'string' },
      target: { type: 'string' },
      'model-name': { type: 'string' },
      model: { type: 'string' },
      space: { type: 'string' },
      'max-trials': { type: 'string' },
      parallel: { type: 'string' },
      algorithm: { type: 'string' },
      objective: { type: 'string' },
      alias: { type: 'string' },
      seed: { type: 'string' },
      'no-wait': { type: 'boolean' },
    });
    if (!values.dataset || !values.target || !values.space)
      throw new UsageError('tune needs --dataset ID, --target COLUMN and --space JSON');
    const json = (text: string, what: string) => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new UsageError(`${what} must be a JSON object`);
      }
    };
    const count = (text: string | undefined, what: string) =>
      text === undefined ? undefined : versionNumber(text, what);
    const request = {
      datasetId: values.dataset,
      target: values.target,
      modelName: values['model-name'] ?? values.target,
      ...(values.model && { model: json(values.model, '--model') }),
      searchSpace: json(values.space, '--space'),
      ...(values['max-trials'] && { maxTrials: count(values['max-trials'], '--max-trials') }),
      ...(values.parallel && { parallelTrials: count(values.parallel, '--parallel') }),
      ...(values.algorithm && { algorithm: values.algorithm }),
      ...(values.objective && { objective: { metric: values.objective } }),
      ...(values.alias && { alias: values.alias }),
      ...(values.seed && { seed: count(values.seed, '--seed') }),
    } as unknown as TuningJobRequest;
    const client = await clientFor(values);
    const job = await client.tune(request);
    if (values['no-wait']) {
      print(io, values.json ?? false, job, () => `${job.id}\n`);
      return EXIT.ok;
    }
    const bar = new ProgressBar(io.stderr);
    const ended = await client.waitForTuning(job.id, {
      onPoll: (current) => {
        const done = current.trials.filter((trial) => !['queued', 'running'].includes(trial.state)).length;
        const maxTrials = (current.spec as { maxTrials?: number }).maxTrials;
        if (!values.json) bar.update(done, maxTrials, `${current.status}, trials ended`);
      },
    });
    if (!values.json) bar.end();
    print(io, values.json ?? false, ended, () => {
      const trials = table([
        ['trial', 'state', 'objective', 'epochs', 'parameters'],
        ...ended.trials.map((trial) => [
          trial.number,
          trial.state,
          trial.objective === null ? '' : formatNumber(trial.objective),
          trial.epochsCompleted,
          JSON.stringify(trial.params),
        ]),
      ]);
      const best = ended.result
        ? `best: trial ${ended.bestTrial}, model ${ended.result.model} version ${ended.result.version}\n`
        : '';
      return `tuning job ${ended.id}: ${ended.status}\n${trials}${best}`;
    });
    return ended.status === 'succeeded' ? EXIT.ok : EXIT.jobFailed;
  },

  async predict(args, io) {
    const { values, positionals } = parse(args, {
      version: { type: 'string' },
      alias: { type: 'string' },
      input: { type: 'string', short: 'i' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
    });
    const [name] = positionals;
    if (!name) throw new UsageError('usage: maas predict MODEL [--version N | --alias A] [--input FILE]');
    if (values.version && values.alias) throw new UsageError('give --version or --alias, not both');
    const text = values.input && values.input !== '-' ? await readFile(values.input, 'utf8') : await readAll(io.stdin);
    const format = values.format ?? (values.input?.toLowerCase().endsWith('.csv') ? 'csv' : 'json');
    if (format !== 'json' && format !== 'csv') throw new UsageError('--format is json or csv');
    const output = values.output ?? (values.json ? 'json' : format);
    if (output !== 'json' && output !== 'csv') throw new UsageError('--output is json or csv');
    let instances: unknown[];
    if (format === 'csv') instances = csvRecords(text);
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UsageError('the input is not JSON (use --format csv for CSV)');
      }
      instances = Array.isArray(parsed) ? parsed : ((parsed as { instances?: unknown[] })?.instances ?? []);
      if (!Array.isArray(instances))
        throw new UsageError('JSON input is an array of instances or {"instances": [...]}');
    }
    if (instances.length === 0) throw new UsageError('no instances in the input');
    const client = await clientFor(values);
    const answer = (await client.predict(name, instances as never[], {
      version: values.version ? versionNumber(values.version, '--version') : undefined,
      alias: values.alias,
    })) as { predictions?: Record<string, unknown>[] };
    if (output === 'json') {
      io.stdout.write(`${JSON.stringify(answer, null, values.json ? 2 : undefined)}\n`);
      return EXIT.ok;
    }
    // CSV: each input row with its prediction beside it (label and one column per class probability, or value).
    const rows = (answer.predictions ?? []).map((prediction, index) => {
      const row: Record<string, unknown> = { ...(instances[index] as Record<string, unknown>) };
      for (const [key, value] of Object.entries(prediction)) {
        if (value && typeof value === 'object' && !Array.isArray(value))
          for (const [inner, innerValue] of Object.entries(value)) row[`${key}.${inner}`] = innerValue;
        else row[key === 'label' || key === 'value' ? `predicted_${key}` : key] = value;
      }
      return row;
    });
    io.stdout.write(toCsv(rows));
    return EXIT.ok;
  },
};

function exitFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ProblemError) {
    if (error.status === 401 || error.status === 403) return EXIT.auth;
    if (error.status === 404) return EXIT.notFound;
    if (error.status === 429 || error.status >= 500) return EXIT.unavailable;
    return EXIT.refused;
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return EXIT.unavailable;
  return EXIT.error;
}

/** Runs one command line; the exit status. Errors go to stderr (as JSON with --json). */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  const json = args.includes('--json');
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; see maas --help`);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    return await command(args, io);
  } catch (error) {
    const code = exitFor(error);
    if (json)
      io.stderr.write(
        `${JSON.stringify(error instanceof ProblemError ? error.problem : { code: code === EXIT.usage ? 'usage' : 'error', detail: (error as Error).message })}\n`,
      );
    else if (error instanceof ProblemError)
      io.stderr.write(
        `maas: ${error.message} (${error.code}, HTTP ${error.status})\n` +
          error.issues.map((issue) => `  ${issue.path}: ${issue.message}\n`).join(''),
      );
    else io.stderr.write(`maas: ${(error as Error).message}\n`);
    return code;
  }
}
