// Prints "N passed, N failed" from vitest's JSON report (the line CI reads).
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`no test report at ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// Suites that fail to load count as failures too: their tests never ran.
const failedSuites = report.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
).length;
const line = `${report.numPassedTests} passed, ${report.numFailedTests + failedSuites} failed`;
console.log(report.numPendingTests ? `${line}, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped` : line);
