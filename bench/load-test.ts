import autocannon from 'autocannon';

/** What one autocannon run measured. Latencies in ms, exact (from each response's own timing). */
export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  errors: number;
  non2xx: number;
  requests: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * Runs autocannon against `url` (127.0.0.1 only) for `seconds`. autocannon's own histogram
 * keeps whole milliseconds, too coarse for sub-millisecond targets, so latencies are taken
 * from its per-response events instead.
 */
export async function loadTest(
  url: string,
  opts: {
    body: string | Buffer;
    contentType?: string;
    headers?: Record<string, string>;
    connections: number;
    seconds: number;
  },
): Promise<LoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error('benchmarks only target 127.0.0.1');
  const latencies: number[] = [];
  let done!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (failed = reject)));
  const instance = autocannon(
    {
      url,
      method: 'POST',
      body: opts.body,
      headers: { 'content-type': opts.contentType ?? 'application/json', ...opts.headers },
      connections: opts.connections,
      duration: opts.seconds,
    },
    (error, result) => (error ? failed(error) : done(result)),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 300) latencies.push(responseTime);
  });
  const result = await finished;
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  return {
    connections: opts.connections,
    requestsPerSecond: requests / (result.duration || opts.seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((sum, ms) => sum + ms, 0) / Math.max(1, requests),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests,
  };
}
