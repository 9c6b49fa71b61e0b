/** The preview server's JSON API, as the page uses it. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  options: { label: string; value: string }[];
}
export interface Deal {
  id: string;
  properties: Record<string, string | null>;
}
export interface Session {
  portal: { id: number; timezone: string };
  user: { id: number; email: string; firstName: string; lastName: string };
  app: { id: number; name: string };
  card: { title: string; bundleAvailable: boolean; buildHint: string };
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(`${path}: ${body.error ?? res.statusText} (HTTP ${res.status})`);
  return body as T;
}

export const getSession = () => getJson<Session>('/preview-api/session');
export const listDeals = () =>
  getJson<{ deals: Deal[]; definitions: PropertyDefinition[] }>('/preview-api/deals');
export const getDeal = (id: string, properties: string[] | '*' = '*') =>
  getJson<{ deal: Deal; definitions: PropertyDefinition[] }>(
    `/preview-api/deals/${encodeURIComponent(id)}?properties=${properties === '*' ? '*' : encodeURIComponent(properties.join(','))}`,
  );
