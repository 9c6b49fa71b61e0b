/**
 * Encryption of OAuth tokens at rest: AES-256-GCM, a fresh random 12-byte IV per value, the 16-byte auth
 * tag checked on every decryption. Each ciphertext names the key that made it, so keys can be rotated:
 * new values are encrypted with the current key (the first configured), old ones still decrypt with any
 * configured key until they are re-encrypted.
 *
 * Format (ASCII, safe in a TEXT column): `enc1:<keyId>:<iv>:<ciphertext>:<tag>`, the last three base64url.
 *
 * A `context` string (for example `portal:123:access_token`) is bound to the value as additional
 * authenticated data: a ciphertext copied into another row or column fails to decrypt instead of handing
 * one portal another portal's token.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../../domain/result.js';

const FORMAT = 'enc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const TOKEN_KEY_BYTES = 32;

/** A key id names a key in configuration and in every ciphertext it made. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface TokenKey {
  readonly id: string;
  /** Exactly 32 bytes. */
  readonly key: Buffer;
}

export const TOKEN_CIPHER_PROBLEM_CODES = [
  'MALFORMED_CIPHERTEXT',
  'UNKNOWN_KEY',
  'AUTHENTICATION_FAILED',
] as const;
export type TokenCipherProblemCode = (typeof TOKEN_CIPHER_PROBLEM_CODES)[number];

export interface TokenCipherProblem {
  readonly code: TokenCipherProblemCode;
  readonly message: string;
}

const problem = (code: TokenCipherProblemCode, message: string): TokenCipherProblem => ({ code, message });

export class TokenCipher {
  private readonly current: TokenKey;
  private readonly byId: ReadonlyMap<string, Buffer>;

  /** `keys[0]` encrypts; every key decrypts. Throws on a bad key list (a configuration bug). */
  constructor(keys: readonly TokenKey[]) {
    const [current] = keys;
    if (!current) throw new Error('TokenCipher: at least one key is required');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id))
        throw new Error(`TokenCipher: key id "${id}" must match ${KEY_ID_PATTERN.source}`);
      if (key.length !== TOKEN_KEY_BYTES)
        throw new Error(`TokenCipher: key "${id}" must be ${TOKEN_KEY_BYTES} bytes`);
      if (byId.has(id)) throw new Error(`TokenCipher: key id "${id}" appears twice`);
      byId.set(id, Buffer.from(key));
    }
    this.current = current;
    this.byId = byId;
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      FORMAT,
      this.current.id,
      iv.toString('base64url'),
      body.toString('base64url'),
      tag.toString('base64url'),
    ].join(':');
  }

  decrypt(ciphertext: string, context: string): Result<string, TokenCipherProblem> {
    const parts = ciphertext.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT) {
      return err(problem('MALFORMED_CIPHERTEXT', `Not an ${FORMAT} token ciphertext.`));
    }
    const [, keyId = '', ivText = '', bodyText = '', tagText = ''] = parts;
    if (![ivText, bodyText, tagText].every((p) => BASE64URL.test(p))) {
      return err(problem('MALFORMED_CIPHERTEXT', 'The token ciphertext is not base64url.'));
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      return err(problem('MALFORMED_CIPHERTEXT', 'The token ciphertext has a wrong IV or tag length.'));
    }
    const key = this.byId.get(keyId);
    if (!key) {
      return err(
        problem('UNKNOWN_KEY', `The token was encrypted with key "${keyId}", which is not configured.`),
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]);
      return ok(plain.toString('utf8'));
    } catch {
      // GCM's final() throws exactly when the tag does not match: the value, its IV, its tag or its context
      // was altered, or another key with the same id made it. Never return the unauthenticated bytes.
      return err(
        problem(
          'AUTHENTICATION_FAILED',
          'The token ciphertext failed authentication (tampered, or wrong key or context).',
        ),
      );
    }
  }

  /** True when `ciphertext` was made with a key other than the current one (a rotation should re-encrypt it). */
  needsReencryption(ciphertext: string): boolean {
    return ciphertext.split(':', 2)[1] !== this.current.id;
  }
}

/**
 * Parses `TOKEN_ENCRYPTION_KEYS`: comma-separated `keyId:base64Key` pairs, the current key first, each key
 * 32 bytes in standard or url-safe base64. Returns every problem found, for the configuration report.
 */
export function parseTokenKeys(text: string): Result<TokenKey[], string[]> {
  const problems: string[] = [];
  const keys: TokenKey[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) problems.push('needs at least one keyId:base64Key entry');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`entry ${index + 1} must be keyId:base64Key`);
      return;
    }
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(id)) problems.push(`entry ${index + 1}: key id must be 1-32 of A-Z a-z 0-9 _ -`);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      problems.push(`entry ${index + 1} (${id}): key is not base64`);
      return;
    }
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== TOKEN_KEY_BYTES) {
      problems.push(
        `entry ${index + 1} (${id}): key must decode to ${TOKEN_KEY_BYTES} bytes, got ${key.length}`,
      );
      return;
    }
    if (keys.some((k) => k.id === id)) problems.push(`entry ${index + 1}: key id "${id}" appears twice`);
    keys.push({ id, key });
  });
  return problems.length > 0 ? err(problems) : ok(keys);
}
