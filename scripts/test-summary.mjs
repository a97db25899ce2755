// Prints the Vitest run's totals as one closing line (`tests: N passed, N failed, N skipped`) from the
// JSON report `npm test` asks Vitest to write, so CI logs end with the whole run's count.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'test-results/vitest.json', 'utf8'));
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
process.exit(report.success ? 0 : 1);
