import { z } from 'zod';

export const taskPriorities = ['routine', 'urgent', 'stat'] as const;
export const taskStatuses = ['open', 'claimed', 'completed', 'cancelled'] as const;
/** The role pools a task can wait in; anyone holding the role may claim it. */
export const taskPools = ['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager'] as const;

export const taskPoolSchema = z.enum(taskPools, 'Choose a role pool.');
const version = z.number('Send the version you are changing.').int().min(1);
const taskId = z.uuid('Not a task id.');

export const taskParamsSchema = z.object({ taskId });
export const poolParamsSchema = z.object({ pool: taskPoolSchema });

export const taskListQuerySchema = z.object({
  /** `active`: open and claimed (the default); `closed`: completed and cancelled in the last week. */
  view: z.enum(['active', 'closed']).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const createTaskRequestSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'Give the task a title.').max(200),
    kind: z.enum(['call-back', 'general'], 'Choose what kind of task this is.').default('general'),
    patientId: z.uuid('Choose a patient from the search.').nullable().optional(),
    ownerStaffId: z.uuid('Choose a person.').nullable().optional(),
    ownerPool: taskPoolSchema.nullable().optional(),
    priority: z.enum(taskPriorities).default('routine'),
    dueAt: z.iso.datetime({ offset: true, message: 'Give the due time as a date and time.' }).nullable().optional(),
    description: z.string().max(4000).default(''),
  })
  .refine((body) => Boolean(body.ownerStaffId) || Boolean(body.ownerPool), { message: 'Choose a person or a role pool.', path: ['ownerStaffId'] });

export const versionRequestSchema = z.strictObject({ version });
export const cancelTaskRequestSchema = z.strictObject({ version, reason: z.string().trim().min(1, 'Say why the task is cancelled.').max(500) });
export const assignTaskRequestSchema = z
  .strictObject({
    version,
    ownerStaffId: z.uuid('Choose a person.').nullable().optional(),
    ownerPool: taskPoolSchema.nullable().optional(),
  })
  .refine((body) => Boolean(body.ownerStaffId) !== Boolean(body.ownerPool), { message: 'Choose either a person or a role pool.', path: ['ownerStaffId'] });

export const bulkTaskRequestSchema = z
  .strictObject({
    action: z.enum(['claim', 'complete', 'assign'], 'Choose claim, complete or assign.'),
    tasks: z.array(z.strictObject({ taskId, version })).min(1, 'Choose at least one task.').max(200, 'At most 200 tasks at once.'),
    ownerStaffId: z.uuid('Choose a person.').nullable().optional(),
    ownerPool: taskPoolSchema.nullable().optional(),
  })
  .refine((body) => body.action !== 'assign' || Boolean(body.ownerStaffId) !== Boolean(body.ownerPool), {
    message: 'Choose either a person or a role pool.',
    path: ['ownerStaffId'],
  })
  .refine((body) => new Set(body.tasks.map((task) => task.taskId)).size === body.tasks.length, { message: 'A task is listed twice.', path: ['tasks'] });

export const staffRefSchema = z.object({ id: z.string(), name: z.string() });

export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  patient: z.object({ id: z.string(), name: z.string().nullable(), mrn: z.string().nullable() }).nullable(),
  ownerStaff: staffRefSchema.nullable(),
  ownerPool: taskPoolSchema.nullable(),
  priority: z.enum(taskPriorities),
  status: z.enum(taskStatuses),
  dueAt: z.string().nullable(),
  isOverdue: z.boolean(),
  focusType: z.string().nullable(),
  focusId: z.string().nullable(),
  description: z.string(),
  createdAt: z.string(),
  claimedBy: staffRefSchema.nullable(),
  claimedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  version: z.number(),
});
export type TaskView = z.infer<typeof taskSchema>;

export const taskListSchema = z.object({ tasks: z.array(taskSchema) });
export const bulkTaskResponseSchema = z.object({ tasks: z.array(taskSchema) });

export const taskCountsSchema = z.object({
  pools: z.array(z.object({ pool: taskPoolSchema, open: z.number(), overdue: z.number() })),
  mine: z.object({ open: z.number(), overdue: z.number() }),
});
export type TaskCounts = z.infer<typeof taskCountsSchema>;
