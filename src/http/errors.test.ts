import { API_ERROR_CODES } from '../contract/index.js';
import { errorBody, fromFunctionError, httpStatus } from './errors.js';

test('every closed error code maps to an HTTP error status', () => {
  for (const code of API_ERROR_CODES) expect(httpStatus(code)).toBeGreaterThanOrEqual(400);
  expect(httpStatus('INVALID_INPUT')).toBe(400);
  expect(httpStatus('UNAUTHORIZED')).toBe(401);
  expect(httpStatus('PAYLOAD_TOO_LARGE')).toBe(413);
  expect(httpStatus('VERSION_CONFLICT')).toBe(409);
  expect(httpStatus('CRM_RATE_LIMITED')).toBe(429);
  expect(httpStatus('CRM_UNAVAILABLE')).toBe(503);
  expect(httpStatus('INTERNAL')).toBe(500);
});

test('a CRM retry hint in ms becomes whole seconds, rounded up; without one a default is given', () => {
  expect(
    fromFunctionError({ code: 'CRM_RATE_LIMITED', message: 'm', retryAfterMs: 1_001 }).retryAfterSeconds,
  ).toBe(2);
  expect(fromFunctionError({ code: 'CRM_UNAVAILABLE', message: 'm' }).retryAfterSeconds).toBe(5);
  expect(fromFunctionError({ code: 'DEAL_NOT_FOUND', message: 'm' }).retryAfterSeconds).toBeUndefined();
});

test('the body carries only the fields its code has, and the request id', () => {
  expect(errorBody({ code: 'DEAL_NOT_FOUND', message: 'No deal.' }, 'req-1')).toEqual({
    error: { code: 'DEAL_NOT_FOUND', message: 'No deal.', requestId: 'req-1' },
  });
  const conflict = fromFunctionError({
    code: 'VERSION_CONFLICT',
    message: 'm',
    currentVersion: 4,
    changesSince: [],
  });
  expect(errorBody(conflict, 'r').error).toMatchObject({ currentVersion: 4, changesSince: [] });
});

test('a CRM that no longer lets the app in is INSTALLATION_INACTIVE to the card, with the CRM’s sentence', () => {
  const sentence = 'The CRM no longer accepts this app’s access. An admin should reinstall the app.';
  expect(fromFunctionError({ code: 'CRM_ACCESS_REVOKED', message: sentence })).toEqual({
    code: 'INSTALLATION_INACTIVE',
    message: sentence,
  });
  expect(httpStatus('INSTALLATION_INACTIVE')).toBe(403);
});
