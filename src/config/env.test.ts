import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/maas',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 8080,
      ARTIFACT_DIR: './data',
      TF_BACKEND: 'auto',
      MAX_UPLOAD_BYTES: 1024 ** 3,
    });
    expect(config.MAAS_ADMIN_TOKEN).toBeUndefined();
  });

  it('names the variable and the problem in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT .*"eighty"/);
    expect(() => loadConfig({ TF_BACKEND: 'gpu' })).toThrow(/TF_BACKEND/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must be a URL starting with postgresql:/,
    );
    expect(() => loadConfig({ MAAS_ADMIN_TOKEN: 'short' })).toThrow(/MAAS_ADMIN_TOKEN must be at least 16/);
    const message = (() => {
      try {
        loadConfig({ WORKER_CONCURRENCY: '0' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message?.split('\n')).toHaveLength(1);
  });

  it('derives the default Redis prefix from the database, so deployments of different databases never share a queue', () => {
    const a = loadConfig({ DATABASE_URL: 'postgresql://u:p@db.example:5432/shop' });
    expect(a.REDIS_PREFIX).toMatch(/^maas:[0-9a-f]{12}$/);
    // The credentials are not part of which database it is.
    expect(loadConfig({ DATABASE_URL: 'postgresql://other@db.example/shop' }).REDIS_PREFIX).toBe(a.REDIS_PREFIX);
    for (const other of ['postgresql://u@db.example:5432/bank', 'postgresql://u@db2.example:5432/shop'])
      expect(loadConfig({ DATABASE_URL: other }).REDIS_PREFIX).not.toBe(a.REDIS_PREFIX);
    expect(loadConfig({ REDIS_PREFIX: 'mine' }).REDIS_PREFIX).toBe('mine');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(8080);
  });
});
