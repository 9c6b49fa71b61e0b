/** The newest entries of the plan's activity log. */
import { List, Text } from '@hubspot/ui-extensions';
import type { ActivityEntry } from '../contract.js';
import { formatInstant } from '../format.js';

const SHOWN = 10;

export function ActivityLog({ activity }: { activity: readonly ActivityEntry[] }) {
  if (activity.length === 0) return <Text variant="microcopy">No activity yet.</Text>;
  const recent = activity.slice(-SHOWN).reverse();
  return (
    <List testId="activity-list">
      {recent.map((entry, i) => (
        <Text key={`${entry.at}-${i}`}>
          <Text inline variant="microcopy">{`${formatInstant(entry.at)} · `}</Text>
          {entry.text}
        </Text>
      ))}
    </List>
  );
}
