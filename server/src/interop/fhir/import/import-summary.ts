import type { Actor } from '../../../platform/auth/actor.js';
import type { FhirContext } from '../core/resource-definition.js';
import { countOf, type UnitResult } from './import-unit.js';

/**
 * The FHIR context of `npm run import`: an operator with database access, audited as the system
 * (actor kind `system`, named after the command), allowed to load every type the mapping serves.
 */
export function commandLineImportContext(organizationId: string): FhirContext {
  const actor: Actor = { kind: 'client', id: '00000000-0000-0000-0000-000000000000', organizationId, name: 'npm run import', roles: ['integration'], scopes: ['system/*.cruds'] };
  const auditActor = { ...actor, kind: 'system', id: null } as unknown as Actor;
  return {
    audit: { actor: auditActor, organizationId, clientAddress: 'command line', requestId: `import-${new Date().toISOString()}` },
    organizationId,
    actor,
    baseUrl: 'urn:medassist:import',
    source: 'import',
  };
}

const line = (counts: Record<string, number>) =>
  Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ${n.toLocaleString('en-US')}`).join(', ') || 'none';

/** The end-of-run summary: loaded, already present, skipped (with why) and failed (with why). */
export function formatSummary(result: UnitResult, run: { seconds: number; engine: string; files: number }): string {
  const loaded = countOf(result.loaded);
  const present = countOf(result.alreadyPresent);
  const skipped = Object.values(result.skipped).reduce((sum, byType) => sum + countOf(byType), 0);
  const handled = loaded + present + skipped + result.failed.length;
  const out = [
    `Imported ${run.files} file(s) in ${run.seconds.toFixed(1)} s on ${run.engine}: ${handled.toLocaleString('en-US')} resources (${Math.round(handled / Math.max(run.seconds, 0.001)).toLocaleString('en-US')}/s), ${result.patients.toLocaleString('en-US')} patients.`,
    `  Loaded           ${loaded.toLocaleString('en-US').padStart(8)}  ${line(result.loaded)}`,
    `  Already present  ${present.toLocaleString('en-US').padStart(8)}  ${line(result.alreadyPresent)}`,
  ];
  for (const [reason, byType] of Object.entries(result.skipped)) out.push(`  Skipped (${reason}) ${countOf(byType).toLocaleString('en-US')}: ${line(byType)}`);
  out.push(`  Failed           ${result.failed.length.toLocaleString('en-US').padStart(8)}`);
  for (const failure of result.failed.slice(0, 20)) {
    out.push(`    ${failure.label}: ${failure.resourceType}/${failure.id ?? '?'} ${failure.status} ${failure.message}${failure.expression?.length ? ` (${failure.expression.join(', ')})` : ''}`);
  }
  if (result.failed.length > 20) out.push(`    … and ${result.failed.length - 20} more`);
  return out.join('\n');
}
