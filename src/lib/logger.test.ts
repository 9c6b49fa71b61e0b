import type { DestinationStream } from 'pino';
import { createLogger, REDACTED, requestIdFrom, requestLogger } from './logger.js';

/** A destination that keeps every line, parsed. */
function capture(): DestinationStream & { lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  return {
    write: (line: string) => {
      raw.push(line);
    },
    get lines() {
      return raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}

const SECRETS = {
  bearer: 'Bearer pat-na1-11111111-2222-3333-4444-555555555555',
  access: 'CJSP5qf1KhICAQEYs-access',
  refresh: '6b3f2e1a-refresh',
  secret: 'b1d6e3a4-client-secret',
  email: 'jane.buyer@example.com',
  repEmail: 'rep+eu@example.com',
  signature: 'c2lnbmF0dXJlLXZhbHVl',
};

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, a level label and the message', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out }).info({ dealId: '42' }, 'plan saved');
    expect(out.lines[0]).toMatchObject({
      level: 'info',
      msg: 'plan saved',
      dealId: '42',
      service: 'mutual-action-plan',
    });
    expect(String(out.lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts authorization headers, tokens, client secrets and e-mails, at the top level and nested', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out });
    log.info(
      {
        req: {
          method: 'POST',
          headers: {
            authorization: SECRETS.bearer,
            'x-hubspot-signature-v3': SECRETS.signature,
            host: 'map.example.com',
          },
        },
        accessToken: SECRETS.access,
        tokens: { accessToken: SECRETS.access, refreshToken: SECRETS.refresh },
        install: { oauth: { refresh_token: SECRETS.refresh, client_secret: SECRETS.secret } },
        config: { clientSecret: SECRETS.secret },
        stakeholder: { email: SECRETS.email, role: 'champion' },
        caller: { portalId: 62515, userEmail: SECRETS.repEmail },
      },
      'install finished',
    );
    const text = out.text();
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    const line = out.lines[0]!;
    expect(line).toMatchObject({
      req: {
        method: 'POST',
        headers: { authorization: REDACTED, 'x-hubspot-signature-v3': REDACTED, host: 'map.example.com' },
      },
      accessToken: REDACTED,
      tokens: { accessToken: REDACTED, refreshToken: REDACTED },
      install: { oauth: { refresh_token: REDACTED, client_secret: REDACTED } },
      config: { clientSecret: REDACTED },
      stakeholder: { email: REDACTED, role: 'champion' },
      caller: { portalId: 62515, userEmail: REDACTED },
    });
  });

  it('keeps error codes and ids readable (only sensitive keys are redacted)', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out }).warn(
      { error: { code: 'CRM_RATE_LIMITED', status: 429 }, portalId: 1 },
      'throttled',
    );
    expect(out.lines[0]).toMatchObject({ error: { code: 'CRM_RATE_LIMITED', status: 429 }, portalId: 1 });
  });

  it('drops lines below the configured level', () => {
    const out = capture();
    const log = createLogger({ level: 'warn', destination: out });
    log.info('not shown');
    log.warn('shown');
    expect(out.lines.map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('requestLogger', () => {
  it('binds requestId, the tenant (crm, accountId) and dealId to every line of the request, and still redacts', () => {
    const out = capture();
    const log = requestLogger(createLogger({ level: 'info', destination: out }), {
      requestId: 'req-12345678',
      crm: 'hubspot',
      accountId: '62515',
      dealId: '987',
    });
    log.info({ userEmail: SECRETS.repEmail }, 'plan loaded');
    log.error({ refreshToken: SECRETS.refresh }, 'refresh failed');
    expect(out.lines).toEqual([
      expect.objectContaining({
        requestId: 'req-12345678',
        crm: 'hubspot',
        accountId: '62515',
        dealId: '987',
        userEmail: REDACTED,
        msg: 'plan loaded',
      }),
      expect.objectContaining({
        requestId: 'req-12345678',
        crm: 'hubspot',
        accountId: '62515',
        dealId: '987',
        refreshToken: REDACTED,
        msg: 'refresh failed',
      }),
    ]);
    expect(out.text()).not.toContain(SECRETS.repEmail);
  });

  it('leaves out the tenant and dealId before they are known', () => {
    const out = capture();
    requestLogger(createLogger({ level: 'info', destination: out }), { requestId: 'req-12345678' }).info(
      'received',
    );
    expect(out.lines[0]).not.toHaveProperty('accountId');
    expect(out.lines[0]).not.toHaveProperty('dealId');
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane incoming request id and replaces a missing or odd one with a UUID', () => {
    expect(requestIdFrom('lb-2f9c1a7e')).toBe('lb-2f9c1a7e');
    for (const header of [undefined, 'short', 'has spaces in it', 'x'.repeat(200), 'new\nline-injection']) {
      expect(requestIdFrom(header)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
