/**
 * CrmTasks kept in memory, for the use-case tests: to-dos per deal with their content and status, every call
 * counted, and the next call's outcome scriptable (a refusal, or an answer lost after the CRM acted).
 */
import type { DealRef } from '../../src/domain/model.js';
import { err, ok, type Result } from '../../src/domain/result.js';
import type { CrmError } from '../../src/ports/crm-error.js';
import type {
  CrmTasks,
  FoundReminderTask,
  ReminderTaskContent,
  ReminderTaskUpdate,
} from '../../src/ports/crm-tasks.js';

export interface FakeTask {
  readonly id: string;
  readonly dealId: string;
  content: ReminderTaskContent;
  status: 'open' | 'completed';
}

type Method = 'create' | 'update' | 'complete' | 'delete' | 'findReminderTasks';

export class FakeCrmTasks implements CrmTasks {
  readonly batchLimit: number;
  readonly tasks = new Map<string, FakeTask>();
  readonly calls: Method[] = [];
  private nextId = 1;
  /** Per method: the next call fails with this error; `acted` makes the CRM do the work first (a lost answer). */
  private readonly scripted = new Map<Method, { error: CrmError; acted: boolean }>();

  constructor(batchLimit = 100) {
    this.batchLimit = batchLimit;
  }

  failNext(method: Method, error: CrmError, acted = false): void {
    this.scripted.set(method, { error, acted });
  }

  /** Open to-dos of a deal. */
  open(dealId: string): FakeTask[] {
    return [...this.tasks.values()].filter((t) => t.dealId === dealId && t.status === 'open');
  }

  private script(method: Method, batchSize: number): { error: CrmError; acted: boolean } | undefined {
    this.calls.push(method);
    if (batchSize > this.batchLimit)
      throw new Error(`${method}: ${batchSize} items, the limit is ${this.batchLimit}`);
    const s = this.scripted.get(method);
    this.scripted.delete(method);
    return s;
  }

  create(deal: DealRef, items: readonly ReminderTaskContent[]) {
    const s = this.script('create', items.length);
    if (s && !s.acted) return Promise.resolve(err(s.error));
    const created: FoundReminderTask[] = items.map((content) => {
      const id = String(this.nextId++);
      this.tasks.set(id, { id, dealId: deal.dealId, content, status: 'open' });
      return { milestoneId: content.milestoneId, taskId: id };
    });
    return Promise.resolve(s ? err(s.error) : ok({ created, refused: [] }));
  }

  update(_deal: DealRef, items: readonly ReminderTaskUpdate[]) {
    const s = this.script('update', items.length);
    if (s) return Promise.resolve(err(s.error));
    const missing: string[] = [];
    for (const item of items) {
      const task = this.tasks.get(item.taskId);
      if (!task) missing.push(item.taskId);
      else {
        task.content = item.content;
        if (item.reopen) task.status = 'open';
      }
    }
    return Promise.resolve(ok({ missing }));
  }

  complete(_deal: DealRef, taskIds: readonly string[]) {
    const s = this.script('complete', taskIds.length);
    if (s) return Promise.resolve(err(s.error));
    const missing: string[] = [];
    for (const id of taskIds) {
      const task = this.tasks.get(id);
      if (!task) missing.push(id);
      else task.status = 'completed';
    }
    return Promise.resolve(ok({ missing }));
  }

  delete(_deal: DealRef, taskIds: readonly string[]): Promise<Result<void, CrmError>> {
    const s = this.script('delete', taskIds.length);
    if (s) return Promise.resolve(err(s.error));
    for (const id of taskIds) this.tasks.delete(id);
    return Promise.resolve(ok(undefined));
  }

  findReminderTasks(deal: DealRef, milestoneIds: readonly string[]) {
    const s = this.script('findReminderTasks', 0);
    if (s) return Promise.resolve(err(s.error));
    const wanted = new Set(milestoneIds);
    return Promise.resolve(
      ok(
        [...this.tasks.values()]
          .filter((t) => t.dealId === deal.dealId && wanted.has(t.content.milestoneId))
          .map((t) => ({ milestoneId: t.content.milestoneId, taskId: t.id })),
      ),
    );
  }
}
