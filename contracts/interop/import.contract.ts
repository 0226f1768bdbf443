import { z } from 'zod';

/** The admin screen's import: files read in the browser, sent as text (Bundles .json, NDJSON .ndjson). */
export const startImportSchema = z.object({
  files: z.array(z.object({
    name: z.string().min(1).max(200).regex(/\.(json|ndjson|jsonl)$/i, 'Choose FHIR Bundles (.json) or NDJSON files (.ndjson).'),
    content: z.string().min(1, 'The file is empty.'),
  })).min(1, 'Choose at least one file.').max(1000),
});

const counts = z.record(z.string(), z.number().int());

export const importJobSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  createdAt: z.string(),
  progress: z.object({
    bytesDone: z.number(),
    bytesTotal: z.number(),
    resources: z.number().int(),
    patients: z.number().int(),
    ratePerSecond: z.number(),
  }),
  summary: z.object({
    loaded: counts,
    alreadyPresent: counts,
    /** Per reason (e.g. "type not supported yet"), per resource type. */
    skipped: z.record(z.string(), counts),
    failed: z.array(z.object({ label: z.string(), resourceType: z.string(), id: z.string().optional(), status: z.number().int(), message: z.string() })),
  }).nullable(),
  error: z.string().nullable(),
});

export const importStartedSchema = z.object({ id: z.uuid() });
