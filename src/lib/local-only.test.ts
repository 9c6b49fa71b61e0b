import { localOnlyProblem } from './local-only.js';

const req = (over: { remote?: string; host?: string; origin?: string; method?: string } = {}) => ({
  method: over.method ?? 'GET',
  headers: { host: over.host ?? '127.0.0.1:4010', ...(over.origin ? { origin: over.origin } : {}) },
  socket: { remoteAddress: over.remote ?? '127.0.0.1' },
});

describe('localOnlyProblem', () => {
  it('accepts the loopback host by address or name, with or without a port', () => {
    expect(localOnlyProblem(req())).toBeUndefined();
    expect(localOnlyProblem(req({ host: 'localhost:3001' }))).toBeUndefined();
    expect(localOnlyProblem(req({ host: '[::1]:3001', remote: '::1' }))).toBeUndefined();
    expect(localOnlyProblem(req({ method: 'POST', origin: 'http://127.0.0.1:3001' }))).toBeUndefined();
  });

  it('refuses a caller that is not on the loopback interface', () => {
    expect(localOnlyProblem(req({ remote: '10.0.0.7' }))).toBe('not_loopback');
  });

  it('refuses a rebound domain (DNS rebinding) in the Host header', () => {
    expect(localOnlyProblem(req({ host: 'attacker.example:3001' }))).toBe('foreign_host');
    expect(localOnlyProblem(req({ host: '' }))).toBe('foreign_host');
  });

  it('refuses a change sent by a page on another site, but not a read', () => {
    expect(localOnlyProblem(req({ method: 'POST', origin: 'https://attacker.example' }))).toBe(
      'foreign_origin',
    );
    expect(localOnlyProblem(req({ method: 'POST', origin: 'null' }))).toBe('foreign_origin');
    expect(localOnlyProblem(req({ method: 'GET', origin: 'https://attacker.example' }))).toBeUndefined();
  });
});
