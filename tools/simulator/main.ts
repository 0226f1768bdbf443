// `npm run simulate -- [options]`: see tools/simulator/README.md. Exit 0 when every check passed, 1 otherwise.
import { parseArgs } from 'node:util';
import { defaultOptions, formatReport, simulate } from './simulate.js';

const { values } = parseArgs({
  options: {
    clinics: { type: 'string' },
    providers: { type: 'string' },
    visits: { type: 'string' },
    patients: { type: 'string' },
    'day-minutes': { type: 'string' },
    'critical-rate': { type: 'string' },
    'database-url': { type: 'string' },
    processes: { type: 'string' },
    chaos: { type: 'boolean' },
    'restart-database': { type: 'boolean' },
    seed: { type: 'string' },
    report: { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(`Usage: npm run simulate -- [--clinics 3] [--providers 2] [--visits 10] [--patients 200] [--day-minutes 1]
  [--critical-rate 0.15] [--database-url postgres://…] [--processes 1|2] [--chaos] [--restart-database] [--seed N] [--report test-results/simulation-report.json]`);
  process.exit(0);
}

const number = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const options = {
  clinics: number(values.clinics, defaultOptions.clinics),
  providers: number(values.providers, defaultOptions.providers),
  visits: number(values.visits, defaultOptions.visits),
  patientsPerClinic: number(values.patients, defaultOptions.patientsPerClinic),
  dayMinutes: number(values['day-minutes'], defaultOptions.dayMinutes),
  criticalRate: number(values['critical-rate'], defaultOptions.criticalRate),
  databaseUrl: values['database-url'],
  processes: number(values.processes, defaultOptions.processes),
  chaos: values.chaos ?? false,
  restartDatabase: values['restart-database'] ?? false,
  seed: number(values.seed, defaultOptions.seed),
  reportFile: values.report ?? 'test-results/simulation-report.json',
  log: (line: string) => console.log(line),
};
for (const [name, value] of Object.entries(options)) {
  if (typeof value === 'number' && (!Number.isFinite(value) || value <= 0)) {
    console.error(`--${name} must be a positive number.`);
    process.exit(2);
  }
}
if (options.processes !== 1 && options.processes !== 2) {
  console.error('--processes is 1 or 2.');
  process.exit(2);
}

try {
  const report = await simulate(options);
  console.log(formatReport(report));
  console.log(`Report written to ${options.reportFile}`);
  process.exit(report.passed ? 0 : 1);
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
}
