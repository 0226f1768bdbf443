import type { Kysely } from 'kysely';
import type { TaskView } from '../../../../contracts/platform/task.contract.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { applyTaskAction, type TaskAction, type TaskContext } from './task-actions.js';
import { findTaskRowsByIds, lockTasks } from './tasks.repository.js';
import { toTaskView } from './task-view.js';

/** Changes one task (claim, complete, cancel or assign) at the version the person saw; answers its new view. */
export async function workTask(db: Kysely<Database>, context: TaskContext, taskId: string, version: number, action: TaskAction): Promise<TaskView> {
  const [view] = await workTasks(db, context, [{ taskId, version }], action);
  if (!view) throw new AppError('TASK_NOT_FOUND', { details: { taskId } });
  return view;
}

/**
 * Applies one action to many tasks in one transaction: all change, or (the first refusal or
 * stale version, named by task id) none do.
 */
export async function workTasks(
  db: Kysely<Database>,
  context: TaskContext,
  items: ReadonlyArray<{ taskId: string; version: number }>,
  action: TaskAction,
): Promise<TaskView[]> {
  const ids = items.map((item) => item.taskId);
  await db.transaction().execute(async (trx) => {
    const locked = new Map((await lockTasks(trx, context.organizationId, ids)).map((task) => [task.id, task]));
    for (const item of items) await applyTaskAction(trx, context, locked.get(item.taskId), item.taskId, item.version, action);
  });
  const rows = new Map((await findTaskRowsByIds(db, context.organizationId, ids)).map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = rows.get(id);
    return row ? [toTaskView(row)] : [];
  });
}
