/**
 * CrmTasks on HubSpot: reminders are tasks (object 0-27) for the step's owner (`hubspot_owner_id`), due at
 * `hs_timestamp`, associated with the deal when they are created (association type 216, task to deal), with
 * the step's marker (`map-step:<id>`) at the end of the body (`hs_task_body`, rich text). The marker is how a
 * task created by a run that crashed before recording it is found again: the deal's tasks are listed through
 * its v4 associations and read in batches (consistent reads; search lags writes), never guessed from titles.
 *
 * Round trips: create, update, complete and delete are one batch call per 100 tasks; finding is one
 * association page per 500 tasks of the deal plus one batch read per 100. Tasks need the contacts scopes
 * (crm-tasks-v3.json: `crm.objects.contacts.write` to write, `.read` to read), REMINDER_TASK_SCOPES.
 */
import { z } from 'zod';
import type { DealRef } from '../../domain/model.js';
import { err, ok, type Result } from '../../domain/result.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import type {
  CrmTasks,
  FoundReminderTask,
  ReminderTaskContent,
  ReminderTaskUpdate,
} from '../../ports/crm-tasks.js';
import {
  batchArchive,
  batchReadByIds,
  batchUpdateSettled,
  BATCH_SIZE,
  chunks,
  simpleObjectSchema,
} from './crm-objects.js';
import { embeddedProblems, type HubSpotTransport } from './transport.js';

export const TASKS = 'tasks';
/** HubSpot's default association type from a task to a deal (its association type id table). */
export const TASK_TO_DEAL_TYPE_ID = 216;
/** What an installation needs for reminders: tasks are read and written with the contacts scopes. */
export const REMINDER_TASK_SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write'] as const;

export const canWriteTasks = (granted: readonly string[]): boolean =>
  REMINDER_TASK_SCOPES.every((scope) => granted.includes(scope));

// Markers ------------------------------------------------------------------------------------------------

const MARKER = /map-step:([A-Za-z0-9_-]{1,400})/;

/** A step id as a marker the body's HTML cannot alter: base64url of its UTF-8 bytes. */
export const stepMarker = (milestoneId: string): string =>
  `map-step:${Buffer.from(milestoneId, 'utf8').toString('base64url')}`;

/** The step a task body names by its marker, if any. */
export function stepOfBody(body: string | null | undefined): string | undefined {
  const match = body ? MARKER.exec(body) : null;
  if (!match?.[1]) return undefined;
  const id = Buffer.from(match[1], 'base64url').toString('utf8');
  return stepMarker(id) === match[0] ? id : undefined;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The body as HubSpot shows it (rich text): one paragraph per blank-line-separated block, then the marker. */
export function taskBodyHtml(content: Pick<ReminderTaskContent, 'body' | 'milestoneId'>): string {
  const paragraphs = content.body
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  paragraphs.push(`<p>Made by the Mutual Action Plan app · ref ${stepMarker(content.milestoneId)}</p>`);
  return paragraphs.join('');
}

const contentProperties = (content: ReminderTaskContent): Record<string, string> => ({
  hs_task_subject: content.title,
  hs_task_body: taskBodyHtml(content),
  hs_timestamp: new Date(content.dueAt).toISOString(),
  hubspot_owner_id: content.ownerId,
});

// Responses ----------------------------------------------------------------------------------------------

const batchErrorSchema = z
  .object({
    category: z.string().optional(),
    message: z.string().optional(),
    context: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

const batchCreateSchema = z
  .object({
    status: z.string(),
    results: z.array(simpleObjectSchema.extend({ objectWriteTraceId: z.string().optional() })),
    errors: z.array(batchErrorSchema).optional(),
  })
  .loose();

const associationPageSchema = z
  .object({
    results: z.array(z.object({ toObjectId: z.union([z.number(), z.string()]) }).loose()),
    paging: z
      .object({ next: z.object({ after: z.string() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();

const reason = (e: z.infer<typeof batchErrorSchema>): string =>
  `${e.category ?? 'ERROR'}: ${embeddedProblems(e.message)?.join('; ') ?? e.message ?? 'no message'}`;

/** Updates by id; ids HubSpot no longer has are `missing`, any other refusal fails the call. */
async function updateTasks(
  t: HubSpotTransport,
  portalId: string,
  inputs: readonly { id: string; properties: Record<string, string> }[],
): Promise<Result<{ missing: string[] }, CrmError>> {
  const missing: string[] = [];
  for (const chunk of chunks(inputs)) {
    const res = await batchUpdateSettled(t, portalId, TASKS, chunk);
    if (!res.ok) return res;
    for (const refusal of res.value.refused) {
      if (!refusal.reason.startsWith('OBJECT_NOT_FOUND'))
        return err(
          crmError('CRM_VALIDATION', 'HubSpot refused to update reminder tasks.', 207, {
            details: [refusal.reason],
          }),
        );
      missing.push(...refusal.ids);
    }
  }
  return ok({ missing });
}

export class HubSpotCrmTasks implements CrmTasks {
  readonly batchLimit = BATCH_SIZE;

  constructor(private readonly transport: HubSpotTransport) {}

  /**
   * Every input carries an `objectWriteTraceId`, so HubSpot writes them one by one and answers refusals per
   * input (207) instead of refusing the batch. Not idempotent: never retried after an unknown outcome.
   * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/batch/post-crm-v3-objects-tasks-batch-create
   */
  async create(
    deal: DealRef,
    items: readonly ReminderTaskContent[],
  ): Promise<
    Result<{ created: FoundReminderTask[]; refused: { milestoneId: string; reason: string }[] }, CrmError>
  > {
    const created: FoundReminderTask[] = [];
    const refused: { milestoneId: string; reason: string }[] = [];
    for (const chunk of chunks(items)) {
      const byTrace = new Map(chunk.map((item, i) => [`reminder-${i}`, item.milestoneId]));
      const res = await this.transport.request({
        portalId: deal.accountId,
        method: 'POST',
        path: `/crm/v3/objects/${TASKS}/batch/create`,
        body: {
          inputs: chunk.map((item, i) => ({
            objectWriteTraceId: `reminder-${i}`,
            properties: { ...contentProperties(item), hs_task_status: 'NOT_STARTED', hs_task_type: 'TODO' },
            associations: [
              {
                to: { id: deal.dealId },
                types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_DEAL_TYPE_ID }],
              },
            ],
          })),
        },
        idempotent: false,
        schema: batchCreateSchema,
      });
      if (!res.ok) return res;
      for (const task of res.value.results) {
        const milestoneId =
          stepOfBody(task.properties.hs_task_body) ??
          (task.objectWriteTraceId === undefined ? undefined : byTrace.get(task.objectWriteTraceId));
        if (milestoneId === undefined)
          return err(
            crmError(
              'CRM_BAD_RESPONSE',
              'HubSpot answered a task creation without saying which task is which.',
              201,
            ),
          );
        created.push({ milestoneId, taskId: task.id });
      }
      for (const e of res.value.errors ?? []) {
        for (const trace of e.context?.objectWriteTraceId ?? []) {
          const milestoneId = byTrace.get(trace);
          if (milestoneId !== undefined) refused.push({ milestoneId, reason: reason(e) });
        }
      }
    }
    return ok({ created, refused });
  }

  /**
   * Full values each time (a retry writes the same again).
   * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/batch/post-crm-v3-objects-tasks-batch-update
   */
  update(
    deal: DealRef,
    items: readonly ReminderTaskUpdate[],
  ): Promise<Result<{ missing: string[] }, CrmError>> {
    return updateTasks(
      this.transport,
      deal.accountId,
      items.map((item) => ({
        id: item.taskId,
        properties: {
          ...contentProperties(item.content),
          ...(item.reopen ? { hs_task_status: 'NOT_STARTED' } : {}),
        },
      })),
    );
  }

  complete(deal: DealRef, taskIds: readonly string[]): Promise<Result<{ missing: string[] }, CrmError>> {
    return updateTasks(
      this.transport,
      deal.accountId,
      taskIds.map((id) => ({ id, properties: { hs_task_status: 'COMPLETED' } })),
    );
  }

  /** https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/batch/post-crm-v3-objects-tasks-batch-archive */
  async delete(deal: DealRef, taskIds: readonly string[]): Promise<Result<void, CrmError>> {
    const res = await batchArchive(this.transport, deal.accountId, TASKS, taskIds);
    return res.ok ? ok(undefined) : res;
  }

  async findReminderTasks(
    deal: DealRef,
    milestoneIds: readonly string[],
  ): Promise<Result<FoundReminderTask[], CrmError>> {
    const wanted = new Set(milestoneIds);
    const taskIds: string[] = [];
    let after: string | undefined;
    do {
      // https://developers.hubspot.com/docs/api-reference/crm-associations-v4/basic/get-crm-v4-objects-objectType-objectId-associations-toObjectType
      const page = await this.transport.request({
        portalId: deal.accountId,
        method: 'GET',
        path: `/crm/v4/objects/deals/${encodeURIComponent(deal.dealId)}/associations/${TASKS}`,
        query: { limit: '500', ...(after === undefined ? {} : { after }) },
        idempotent: true,
        schema: associationPageSchema,
      });
      if (!page.ok) return page;
      taskIds.push(...page.value.results.map((r) => String(r.toObjectId)));
      after = page.value.paging?.next?.after;
    } while (after !== undefined);
    if (taskIds.length === 0 || wanted.size === 0) return ok([]);
    const tasks = await batchReadByIds(this.transport, deal.accountId, TASKS, taskIds, ['hs_task_body']);
    if (!tasks.ok) return tasks;
    const found: FoundReminderTask[] = [];
    for (const task of tasks.value.values()) {
      const milestoneId = stepOfBody(task.properties.hs_task_body);
      if (milestoneId !== undefined && wanted.has(milestoneId)) found.push({ milestoneId, taskId: task.id });
    }
    // Oldest first: HubSpot's ids grow with time.
    return ok(found.sort((a, b) => Number(a.taskId) - Number(b.taskId)));
  }
}
