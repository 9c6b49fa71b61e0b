import { randomBytes } from 'node:crypto';
import { parseTokenKeys, TokenCipher, type TokenKey } from './token-cipher.js';

const key = (id: string): TokenKey => ({ id, key: randomBytes(32) });
const CONTEXT = 'portal:123:access_token';

/** Replaces the part at `index` (0 = format, 1 = key id, 2 = iv, 3 = body, 4 = tag) with `fn(part)`. */
function alterPart(ciphertext: string, index: number, fn: (part: string) => string): string {
  const parts = ciphertext.split(':');
  parts[index] = fn(parts[index]!);
  return parts.join(':');
}

/** Flips one bit of a base64url part, keeping its length. */
const flipBit = (part: string): string => {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
};

describe('TokenCipher', () => {
  const k1 = key('k1');
  const cipher = new TokenCipher([k1]);

  it('round-trips a token, including non-ASCII text', () => {
    for (const token of [
      'CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4',
      'émoji ✓ token',
      '',
    ]) {
      const sealed = cipher.encrypt(token, CONTEXT);
      expect(sealed).not.toContain(token || '\u0000');
      expect(cipher.decrypt(sealed, CONTEXT)).toEqual({ ok: true, value: token });
    }
  });

  it('uses a fresh IV per value, so equal tokens give different ciphertexts', () => {
    const a = cipher.encrypt('same', CONTEXT);
    const b = cipher.encrypt('same', CONTEXT);
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
    expect(Buffer.from(a.split(':')[2]!, 'base64url')).toHaveLength(12);
  });

  it('prefixes the ciphertext with the format and the current key id', () => {
    expect(cipher.encrypt('t', CONTEXT)).toMatch(
      /^enc1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]*:[A-Za-z0-9_-]{22}$/,
    );
  });

  it.each([
    ['encrypted body', 3],
    ['IV', 2],
    ['auth tag', 4],
  ])(
    'refuses a ciphertext with an altered %s (AUTHENTICATION_FAILED), never returning garbage',
    (_what, index) => {
      const sealed = cipher.encrypt('secret-refresh-token', CONTEXT);
      const result = cipher.decrypt(alterPart(sealed, index, flipBit), CONTEXT);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('AUTHENTICATION_FAILED');
        expect(result.error.message).not.toContain('secret-refresh-token');
      }
    },
  );

  it('refuses a ciphertext moved to another context (another portal or column)', () => {
    const sealed = cipher.encrypt('token-of-portal-123', CONTEXT);
    expect(cipher.decrypt(sealed, 'portal:456:access_token')).toMatchObject({
      ok: false,
      error: { code: 'AUTHENTICATION_FAILED' },
    });
    expect(cipher.decrypt(sealed, 'portal:123:refresh_token')).toMatchObject({
      ok: false,
      error: { code: 'AUTHENTICATION_FAILED' },
    });
  });

  it('refuses a ciphertext relabelled with another configured key id', () => {
    const two = new TokenCipher([k1, key('k2')]);
    const sealed = two.encrypt('t', CONTEXT);
    expect(
      two.decrypt(
        alterPart(sealed, 1, () => 'k2'),
        CONTEXT,
      ),
    ).toMatchObject({ ok: false, error: { code: 'AUTHENTICATION_FAILED' } });
  });

  it('reports UNKNOWN_KEY for a ciphertext made with a key that is no longer configured', () => {
    const sealed = new TokenCipher([key('old')]).encrypt('t', CONTEXT);
    const result = cipher.decrypt(sealed, CONTEXT);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_KEY' } });
    if (!result.ok) expect(result.error.message).toContain('"old"');
  });

  it.each([
    ['plain text', 'not-a-ciphertext'],
    ['another format', 'enc2:k1:AAAAAAAAAAAAAAAA:AA:AAAAAAAAAAAAAAAAAAAAAA'],
    ['too few parts', 'enc1:k1:AAAAAAAAAAAAAAAA:AA'],
    ['a short IV', 'enc1:k1:AAAA:AA:AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short tag', 'enc1:k1:AAAAAAAAAAAAAAAA:AA:AAAA'],
    ['non-base64url characters', 'enc1:k1:AAAAAAAAAAAAAAAA:A+/=:AAAAAAAAAAAAAAAAAAAAAA'],
  ])('reports MALFORMED_CIPHERTEXT for %s', (_what, text) => {
    expect(cipher.decrypt(text, CONTEXT)).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_CIPHERTEXT' },
    });
  });

  describe('key rotation', () => {
    const oldKey = key('2025');
    const newKey = key('2026');
    const before = new TokenCipher([oldKey]);
    const after = new TokenCipher([newKey, oldKey]);

    it('decrypts values made with an older configured key', () => {
      const sealed = before.encrypt('old-token', CONTEXT);
      expect(after.decrypt(sealed, CONTEXT)).toEqual({ ok: true, value: 'old-token' });
    });

    it('encrypts new values with the current (first) key only', () => {
      const sealed = after.encrypt('new-token', CONTEXT);
      expect(sealed.split(':')[1]).toBe('2026');
      expect(before.decrypt(sealed, CONTEXT)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_KEY' } });
      expect(after.currentKeyId).toBe('2026');
    });

    it('tells which values still need re-encryption under the current key', () => {
      expect(after.needsReencryption(before.encrypt('t', CONTEXT))).toBe(true);
      expect(after.needsReencryption(after.encrypt('t', CONTEXT))).toBe(false);
    });
  });

  it('refuses a key list that is empty, has a short key or repeats an id', () => {
    expect(() => new TokenCipher([])).toThrow(/at least one key/);
    expect(() => new TokenCipher([{ id: 'k', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new TokenCipher([k1, k1])).toThrow(/twice/);
    expect(() => new TokenCipher([{ id: 'bad:id', key: randomBytes(32) }])).toThrow(/key id/);
  });
});

describe('parseTokenKeys', () => {
  const b64 = randomBytes(32).toString('base64');
  const b64url = randomBytes(32).toString('base64url');

  it('reads keyId:base64 pairs in order, current first, standard or url-safe base64', () => {
    const result = parseTokenKeys(` new:${b64} , old:${b64url}`);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.map((k) => k.id)).toEqual(['new', 'old']);
      expect(result.value[0]!.key.toString('base64')).toBe(b64);
      expect(result.value[1]!.key.toString('base64url')).toBe(b64url);
    }
  });

  it('reports every bad entry at once', () => {
    const result = parseTokenKeys(
      `nocolon,short:${randomBytes(16).toString('base64')},bad id!:${b64},dup:${b64},dup:${b64},x:%%%`,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toEqual([
        'entry 1 must be keyId:base64Key',
        'entry 2 (short): key must decode to 32 bytes, got 16',
        'entry 3: key id must be 1-32 of A-Z a-z 0-9 _ -',
        'entry 5: key id "dup" appears twice',
        'entry 6 (x): key is not base64',
      ]);
    }
  });

  it('refuses an empty list', () => {
    expect(parseTokenKeys(' , ')).toEqual({ ok: false, error: ['needs at least one keyId:base64Key entry'] });
  });
});
