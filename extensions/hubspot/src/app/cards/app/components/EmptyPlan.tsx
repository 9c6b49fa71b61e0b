/**
 * A deal without a plan: choose a template and a target close date, preview the dated milestones (scheduled
 * with the backend's own scheduleTemplate, so the preview is what apply-template will create), then create.
 */
import {
  Alert,
  DateInput,
  EmptyState,
  ErrorState,
  Flex,
  LoadingButton,
  LoadingSpinner,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { useCallback, useEffect, useState } from 'react';
import { describeError, type BackendError, type MapBackend } from '../backend.js';
import { scheduleTemplate, type Template } from '../contract.js';
import { formatDate, fromPicker, type PickerDate } from '../format.js';
import type { PlanController } from '../use-plan.js';

type Templates =
  | { readonly phase: 'loading' }
  | { readonly phase: 'failed'; readonly error: BackendError }
  | { readonly phase: 'ready'; readonly templates: readonly Template[] };

function Preview({ template, target, today }: { template: Template; target: string; today: string }) {
  const schedule = scheduleTemplate(template, target, today);
  if (!schedule.ok) {
    // The domain's sentences already name the earliest (or latest) date that fits.
    const codes = new Set(schedule.error.map((p) => p.code));
    const title = codes.has('target_too_soon')
      ? 'Choose a later target close date'
      : codes.has('target_too_late')
        ? 'Choose an earlier target close date'
        : 'This target close date cannot be used';
    return (
      <Alert testId="preview-problem" variant="warning" title={title}>
        {schedule.error.map((p) => p.message).join(' ')}
      </Alert>
    );
  }
  const rows = [...template.milestones]
    .map((m) => ({ m, due: schedule.value.dueDates.get(m.key) ?? '' }))
    .sort((a, b) => (a.due === b.due ? 0 : a.due < b.due ? -1 : 1));
  return (
    <Flex direction="column" gap="xs">
      {schedule.value.targetAdjusted ? (
        <Text variant="microcopy">{`Your date falls on a weekend: the plan closes on ${formatDate(schedule.value.closeDate)}.`}</Text>
      ) : null}
      <Table testId="preview-table" density="condensed">
        <TableHead>
          <TableRow>
            <TableHeader>Milestone</TableHeader>
            <TableHeader>Phase</TableHeader>
            <TableHeader>Due</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(({ m, due }) => (
            <TableRow key={m.key}>
              <TableCell>
                <Text>{m.title}</Text>
                {m.visibility === 'internal' ? <Tag variant="warning">Internal</Tag> : null}
              </TableCell>
              <TableCell>{m.phase}</TableCell>
              <TableCell>{formatDate(due)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Flex>
  );
}

export function EmptyPlan({
  backend,
  controller,
  today,
}: {
  backend: MapBackend;
  controller: PlanController;
  today: string;
}) {
  const [templates, setTemplates] = useState<Templates>({ phase: 'loading' });
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);

  const load = useCallback(async () => {
    setTemplates({ phase: 'loading' });
    const result = await backend.call('list-templates', {});
    setTemplates(
      result.ok
        ? { phase: 'ready', templates: result.value.templates }
        : { phase: 'failed', error: result.error },
    );
  }, [backend]);
  useEffect(() => {
    void load();
  }, [load]);

  if (templates.phase === 'loading') {
    return <LoadingSpinner testId="templates-loading" label="Loading plan templates" layout="centered" />;
  }
  if (templates.phase === 'failed') {
    return (
      <ErrorState testId="templates-error" title="The plan templates could not be loaded">
        <Text>{describeError(templates.error)}</Text>
        <LoadingButton testId="templates-retry" onClick={() => void load()}>
          Try again
        </LoadingButton>
      </ErrorState>
    );
  }
  const template = templates.templates.find((t) => t.id === templateId);
  const ready = template !== undefined && target !== null && scheduleTemplate(template, target, today).ok;
  return (
    <Flex direction="column" gap="md">
      <EmptyState
        testId="empty-plan"
        title="Build the plan with your buyer"
        imageName="deals"
        layout="vertical"
        flush
      >
        <Text>
          Agree on the steps to a decision, who owns each one on both sides, and the dates. Start from a
          template: its milestones are dated back from your target close date, and you can change everything
          afterwards.
        </Text>
      </EmptyState>
      <Select
        testId="template-select"
        label="Template"
        name="templateId"
        placeholder="Choose a template"
        {...(templateId === null ? {} : { value: templateId })}
        options={templates.templates.map((t) => ({ label: t.name, value: t.id }))}
        onChange={(v) => setTemplateId(String(v))}
      />
      {template ? <Text variant="microcopy">{template.description}</Text> : null}
      <DateInput
        testId="target-close-date"
        label="Target close date"
        name="targetCloseDate"
        format="medium"
        onChange={(v: PickerDate | null) => setTarget(fromPicker(v))}
      />
      {template !== undefined && target !== null ? (
        <Preview template={template} target={target} today={today} />
      ) : null}
      <LoadingButton
        testId="create-plan"
        variant="primary"
        loading={controller.busy === 'create'}
        disabled={!ready || (controller.busy !== null && controller.busy !== 'create')}
        onClick={() => {
          if (template === undefined || target === null) return;
          void controller.applyTemplate(
            'create',
            { verb: 'create the plan', done: `Plan created from “${template.name}”.` },
            template.id,
            target,
          );
        }}
      >
        Create plan
      </LoadingButton>
    </Flex>
  );
}
