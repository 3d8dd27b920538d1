import { describe, expect, it } from 'vitest';
import { auditAction } from './audit-action.ts';

describe('auditAction', () => {
  it('names a route by its literal segments and the verb of its method', () => {
    expect(auditAction('POST', '/v1/datasets')).toBe('datasets.create');
    expect(auditAction('DELETE', '/v1/datasets/:id')).toBe('datasets.delete');
    expect(auditAction('DELETE', '/v1/models/:name/versions/:version')).toBe('models.versions.delete');
    expect(auditAction('PUT', '/v1/models/:name/aliases/:alias')).toBe('models.aliases.update');
    expect(auditAction('POST', '/v1/projects/:id/api-keys')).toBe('projects.api-keys.create');
    expect(auditAction('DELETE', '/v1/admin/projects/:id')).toBe('admin.projects.delete');
    expect(auditAction('GET', '/v1/datasets')).toBe('datasets.read');
  });

  it('takes a custom method as the verb', () => {
    expect(auditAction('POST', '/v1/models/:name::predict')).toBe('models.predict');
    expect(auditAction('POST', '/v1/models/:name/versions/:version::classify')).toBe('models.versions.classify');
  });
});
