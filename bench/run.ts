// `npm run bench [-- --patients N --queries N --rounds N]`: every benchmark, one table.
import { parseArgs } from 'node:util';
import { benchPatientSearch } from './patient-search.bench.js';
import { benchSignIn } from './sign-in.bench.js';
import { benchSlotSearch } from './slot-search.bench.js';
import { benchBookingContention } from './booking-contention.bench.js';
import { benchChartSummary } from './chart-summary.js';
import { benchSseFanout } from './sse-fanout.bench.js';
import { benchVitalsRecording } from './vitals-recording.js';
import { benchFhir } from './fhir.bench.js';
import { printTable, type Figure } from './report.js';

const { values } = parseArgs({ options: { patients: { type: 'string' }, queries: { type: 'string' }, rounds: { type: 'string' } } });
const figures: Figure[] = [];
figures.push(...(await benchPatientSearch({
  patients: values.patients ? Number(values.patients) : undefined,
  queriesPerKind: values.queries ? Number(values.queries) : undefined,
})));
const rounds = values.rounds ? Number(values.rounds) : undefined;
figures.push(...(await benchSignIn({ engine: 'pglite', rounds })));
figures.push(...(await benchSignIn({ engine: 'postgres', rounds })));
figures.push(...(await benchSseFanout()));
figures.push(...(await benchSlotSearch()));
figures.push(...(await benchBookingContention()));
figures.push(...(await benchChartSummary()));
figures.push(...(await benchVitalsRecording()));
figures.push(...(await benchFhir()));
printTable(figures);
