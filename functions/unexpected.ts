/**
 * What a use case answers when a port throws instead of returning a Result (the installation store does when
 * its database is unavailable, as its port says; anything else is a bug): an UNEXPECTED failure, so that no
 * thrown error crosses into the caller's layer and the caller decides what the person in front of it sees.
 */
import { err, ok, type Result } from '../src/domain/result.js';

export interface Unexpected {
  readonly code: 'UNEXPECTED';
  /** For the log only: internal detail, never shown to a user. */
  readonly message: string;
  /** What was thrown, for the log. */
  readonly cause: unknown;
}

export const unexpected = (cause: unknown): Unexpected => ({
  code: 'UNEXPECTED',
  message: cause instanceof Error ? cause.message : String(cause),
  cause,
});

/** Runs `task`; whatever it throws comes back as an UNEXPECTED failure. */
export async function settled<T, E>(task: () => Promise<Result<T, E>>): Promise<Result<T, E | Unexpected>> {
  try {
    return await task();
  } catch (error) {
    // The one place a thrown error stops: it becomes a failure the caller maps like any other.
    return err(unexpected(error));
  }
}

/** Runs `task`, whose port answers plainly (no Result); whatever it throws comes back as an UNEXPECTED failure. */
export const attempt = <T>(task: () => Promise<T>): Promise<Result<T, Unexpected>> =>
  settled(async () => ok(await task()));
