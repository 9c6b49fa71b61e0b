/** The buyer-centric value summary, editable, with a hint toward 3–4 sentences in the buyer's words. */
import { Flex, LoadingButton, Text, TextArea } from '@hubspot/ui-extensions';
import { useEffect, useState } from 'react';
import { countSentences } from '../format.js';
import type { PlanController } from '../use-plan.js';

export const VALUE_SUMMARY_HINT =
  'Write 3–4 sentences in the buyer’s words: the problem they are solving, the outcome they expect and how they will measure it, and why it matters now.';

export function ValueSummary({ saved, controller }: { saved: string; controller: PlanController }) {
  const [draft, setDraft] = useState(saved);
  // A reload or another save brings a new saved text: start from it.
  useEffect(() => setDraft(saved), [saved]);
  const sentences = countSentences(draft);
  const inRange = sentences >= 3 && sentences <= 4;
  return (
    <Flex direction="column" gap="xs">
      <TextArea
        testId="value-summary-input"
        name="valueSummary"
        label="Value summary"
        description={VALUE_SUMMARY_HINT}
        placeholder="Acme’s support team loses two days a month reconciling tickets by hand…"
        rows={4}
        maxLength={2000}
        value={draft}
        onChange={setDraft}
        onInput={setDraft}
      />
      <Text testId="value-summary-count" variant="microcopy">
        {draft.trim() === ''
          ? 'No summary yet.'
          : `${sentences} ${sentences === 1 ? 'sentence' : 'sentences'}${inRange ? '' : ' — aim for 3–4.'}`}
      </Text>
      <LoadingButton
        testId="value-summary-save"
        size="sm"
        loading={controller.busy === 'value-summary'}
        disabled={
          draft.trim() === saved.trim() || (controller.busy !== null && controller.busy !== 'value-summary')
        }
        onClick={() => {
          void controller.saveEdits(
            'value-summary',
            { verb: 'save the value summary', done: 'Value summary saved.' },
            [{ edit: 'setValueSummary', input: { valueSummary: draft } }],
          );
        }}
      >
        Save summary
      </LoadingButton>
    </Flex>
  );
}
