/**
 * The backend's own state per installed tenant (one account of one CRM): the installation (scopes, storage mode, admin
 * settings), its OAuth tokens, the webhook events already handled, the single-use `state` nonces of
 * OAuth installs in flight, and the signatures of signed requests already accepted (replay protection). The CRM stays the store of record for plans; nothing here is plan data.
 *
 * Implementations: src/adapters/db (SQLite by default, PostgreSQL when DATABASE_URL is set). Tokens are
 * plaintext on this interface and encrypted by the implementation. Time comes from the injected Clock.
 * Methods throw only when the database is unavailable or its data is unreadable (infrastructure).
 */
import { z } from 'zod';
import type { Tenant } from '../domain/model.js';

/** How a tenant keeps its milestones: as custom object records, or inside the deal's plan document. */
export const STORAGE_MODES = ['custom_object', 'document'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];

/** Why an installation stopped working; an active installation has none. */
export const INACTIVE_REASONS = [
  'uninstalled',
  'token_revoked',
  'refresh_failed',
  'scopes_missing',
  'disabled_by_operator',
] as const;
export type InactiveReason = (typeof INACTIVE_REASONS)[number];

export type InstallationStatus =
  { readonly state: 'active' } | { readonly state: 'inactive'; readonly reason: InactiveReason };

/** Admin settings of one tenant. Every setting has a default, applied at install. */
export const InstallationSettingsSchema = z.strictObject({
  /** Write the CRM's native forecast fields too (opt-in; the app's own deal fields are always written). */
  writeNativeForecast: z.boolean(),
  /**
   * Make a to-do in the CRM for the seller owner of each plan step due within two working days (on by
   * default). Turned off, the open ones are deleted and no new one is made (functions/sync-reminders.ts).
   */
  createReminderTasks: z.boolean(),
});
export type InstallationSettings = z.infer<typeof InstallationSettingsSchema>;
export const DEFAULT_SETTINGS: InstallationSettings = {
  writeNativeForecast: false,
  createReminderTasks: true,
};

/** A change to some settings; settings left out keep their value. */
export const SettingsPatchSchema = InstallationSettingsSchema.partial();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export interface Installation {
  readonly tenant: Tenant;
  /** Our app's id in the CRM, as the install reported it. */
  readonly appId: string;
  readonly status: InstallationStatus;
  /** Scopes granted at the last install or token refresh (optional scopes may be missing). */
  readonly scopes: readonly string[];
  readonly storageMode: StorageMode;
  readonly settings: InstallationSettings;
  /** First install, ms since the epoch; a reinstall keeps it. */
  readonly installedAt: number;
  /** Last install, reinstall, token refresh, settings change or deactivation (not a time zone refresh). */
  readonly updatedAt: number;
  /**
   * The account's IANA time zone as its CRM keeps it: the calendar whose day is "today" for the tenant's plans.
   * Null until it was first read (then "today" is UTC).
   */
  readonly timeZone: string | null;
  /** When the time zone was last read from the CRM (ms since the epoch), null when never. */
  readonly timeZoneCheckedAt: number | null;
}

export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
}

export interface InstallInput {
  readonly tenant: Tenant;
  readonly appId: string;
  readonly scopes: readonly string[];
  readonly storageMode: StorageMode;
  readonly tokens: OAuthTokens;
}

/**
 * Signed requests already accepted, shared by every instance through the installation
 * database: a signature is good for one request, so a request replayed inside its 5-minute window is refused.
 */
export interface SeenSignatures {
  /**
   * Records a verified request's signature with its timestamp header, kept until `expiresAt` (ms since the
   * epoch, when the timestamp leaves the accepted window). True the first time; false when it was recorded
   * before, on this or any other instance: a replay.
   */
  markSignatureSeen(signature: string, timestamp: string, expiresAt: number): Promise<boolean>;
  /** Forgets signatures whose window has passed; returns how many were removed. */
  pruneSignatures(): Promise<number>;
}

export interface InstallationStore extends SeenSignatures {
  /**
   * Records an install or a reinstall, with its tokens, in one transaction: the installation becomes
   * active; scopes, storage mode and tokens are replaced; settings and `installedAt` of a reinstall are kept.
   * Safe when two installs of the same tenant race (the last one wins, no duplicate, no error).
   */
  install(input: InstallInput): Promise<Installation>;
  getInstallation(tenant: Tenant): Promise<Installation | undefined>;
  /**
   * Every installation, or with `activeOnly` only the active ones (those the daily work runs for, each with its
   * time zone), ordered by CRM and account id.
   */
  listInstallations(filter?: { readonly activeOnly?: boolean }): Promise<Installation[]>;
  /** Marks the installation inactive and deletes its tokens. False when the tenant has no installation. */
  deactivate(tenant: Tenant, reason: InactiveReason): Promise<boolean>;
  /** Applies a settings patch atomically per setting; undefined when the tenant has no installation. */
  updateSettings(tenant: Tenant, patch: SettingsPatch): Promise<Installation | undefined>;
  /**
   * Records the account's time zone as read from the CRM now; `updatedAt` is left alone (it orders installs and
   * uninstalls). False when the tenant has no installation.
   */
  setTimeZone(tenant: Tenant, timeZone: string): Promise<boolean>;
  /** Replaces the tokens (after a refresh), and the scopes when given. False when there is no installation. */
  saveTokens(tenant: Tenant, tokens: OAuthTokens, scopes?: readonly string[]): Promise<boolean>;
  /** The tenant's tokens, decrypted; undefined when it has none (never installed, or deactivated). */
  getTokens(tenant: Tenant): Promise<OAuthTokens | undefined>;

  /** Records a webhook event id; false when it was recorded before (a redelivery to skip). */
  markEventSeen(eventId: string): Promise<boolean>;
  /** Forgets one event id whose handling failed, so that its redelivery, on any instance, is handled. */
  forgetEvent(eventId: string): Promise<void>;
  /** Forgets event ids recorded more than `days` days ago; returns how many were removed. */
  pruneEvents(days: number): Promise<number>;

  /** Stores an OAuth install `state` nonce, usable once until `expiresAt` (ms since the epoch). */
  saveState(nonce: string, expiresAt: number): Promise<void>;
  /** Uses a nonce up: true exactly once, and only before it expires. */
  consumeState(nonce: string): Promise<boolean>;
  /** Deletes expired nonces; returns how many were removed. */
  pruneStates(): Promise<number>;

  close(): Promise<void>;
}
