/**
 * Fault injection per portal, off by default: before the CRM handler runs, a request may be delayed and may
 * be answered with a 429, 500, 502 or 503, or have its connection dropped. Faults run before the handler,
 * so a faulted write has not written. The random draws come from a seeded generator, so a test that sets
 * a seed sees the same faults on every run.
 */
export interface FaultSettings {
  seed: number;
  /** Probabilities in [0, 1]; their sum must not exceed 1. */
  rateLimit: number;
  serverError: number;
  badGateway: number;
  unavailable: number;
  drop: number;
  /** Added latency: none, a fixed delay, or uniform in [minMs, maxMs]. */
  latency:
    { kind: 'none' } | { kind: 'fixed'; ms: number } | { kind: 'uniform'; minMs: number; maxMs: number };
}

export type FaultKind = 'rate_limit' | 'server_error' | 'bad_gateway' | 'unavailable' | 'drop';

export interface FaultDraw {
  delayMs: number;
  fault: FaultKind | undefined;
}

/** mulberry32: small, fast, and good enough to pick faults; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface PortalFaults {
  settings: FaultSettings;
  random: () => number;
}

export class FaultInjector {
  private readonly portals = new Map<number, PortalFaults>();

  /** Sets (and re-seeds) a portal's faults; `undefined` turns them off. */
  set(portalId: number, settings: FaultSettings | undefined): void {
    if (settings === undefined) this.portals.delete(portalId);
    else this.portals.set(portalId, { settings, random: seededRandom(settings.seed) });
  }

  get(portalId: number): FaultSettings | undefined {
    return this.portals.get(portalId)?.settings;
  }

  clear(): void {
    this.portals.clear();
  }

  /** Draws the latency and the fault (if any) for one request of a portal. */
  draw(portalId: number): FaultDraw {
    const entry = this.portals.get(portalId);
    if (!entry) return { delayMs: 0, fault: undefined };
    const { settings, random } = entry;
    const latency = settings.latency;
    const delayMs =
      latency.kind === 'none'
        ? 0
        : latency.kind === 'fixed'
          ? latency.ms
          : latency.minMs + Math.floor(random() * (latency.maxMs - latency.minMs + 1));
    const roll = random();
    const ladder: [FaultKind, number][] = [
      ['rate_limit', settings.rateLimit],
      ['server_error', settings.serverError],
      ['bad_gateway', settings.badGateway],
      ['unavailable', settings.unavailable],
      ['drop', settings.drop],
    ];
    let edge = 0;
    for (const [kind, probability] of ladder) {
      edge += probability;
      if (roll < edge) return { delayMs, fault: kind };
    }
    return { delayMs, fault: undefined };
  }
}
