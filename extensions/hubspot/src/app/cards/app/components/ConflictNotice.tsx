/** Shown when a save lost a race: what the other edit changed, and a reload. */
import { Alert, Flex, List, LoadingButton, Text } from '@hubspot/ui-extensions';
import { formatInstant } from '../format.js';
import type { Conflict } from '../use-plan.js';

export function ConflictNotice({
  conflict,
  reloading,
  onReload,
}: {
  conflict: Conflict;
  reloading: boolean;
  onReload: () => void;
}) {
  return (
    <Alert testId="conflict-alert" variant="warning" title="Someone else changed this plan">
      <Flex direction="column" gap="xs">
        <Text>{conflict.message}</Text>
        {conflict.changesSince.length === 0 ? (
          <Text variant="microcopy">The details of the other change are not available.</Text>
        ) : (
          <List testId="conflict-changes">
            {conflict.changesSince.map((entry, i) => (
              <Text
                key={`${entry.at}-${i}`}
                variant="microcopy"
              >{`${formatInstant(entry.at)}: ${entry.text}`}</Text>
            ))}
          </List>
        )}
        <LoadingButton testId="conflict-reload" size="sm" loading={reloading} onClick={onReload}>
          Reload plan
        </LoadingButton>
      </Flex>
    </Alert>
  );
}
