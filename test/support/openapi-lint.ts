import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Spectral, Document } from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

export interface LintProblem {
  linter: 'redocly' | 'spectral';
  rule: string;
  severity: string;
  message: string;
  where: string;
}

/** Redocly's `recommended` rules over the document, offline (no external refs). */
export async function redoclyProblems(source: string): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source, absoluteRef: 'openapi.yaml', config });
  return problems.map((problem) => ({
    linter: 'redocly' as const,
    rule: problem.ruleId,
    severity: problem.severity,
    message: problem.message,
    where: problem.location.map((location) => location.pointer ?? '').join(' '),
  }));
}

const SPECTRAL_SEVERITY = ['error', 'warn', 'info', 'hint'];

/** Spectral's `spectral:oas` ruleset over the document. */
export async function spectralProblems(source: string): Promise<LintProblem[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
  const results = await spectral.run(new Document(source, spectralParsers.Yaml, 'openapi.yaml'));
  return results.map((result) => ({
    linter: 'spectral' as const,
    rule: String(result.code),
    severity: SPECTRAL_SEVERITY[result.severity] ?? String(result.severity),
    message: result.message,
    where: result.path.join('.'),
  }));
}
