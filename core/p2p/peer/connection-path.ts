/**
 * Which way a peer connection's packets go: straight between the two peers (`direct`, host,
 * server-reflexive or peer-reflexive candidates on both ends) or through a TURN server (`relayed`,
 * a `relay` candidate on either end). Relayed traffic costs whoever runs the TURN server and adds a
 * hop, so the scheduler prefers direct peers and the stats count relayed bytes apart.
 *
 * The answer comes from `RTCPeerConnection.getStats()`: the selected candidate pair and its two
 * candidates. Browsers disagree on how the selected pair is marked, so every known shape is read:
 * - Chromium and @roamhq/wrtc (libwebrtc): the `transport` stat's `selectedCandidatePairId`;
 *   pairs carry `nominated` and `state` too;
 * - Firefox: no `transport` stat; the pair has `selected: true` (non-standard) and `nominated`;
 * - older specs and Firefox: `candidateType` `relayed` instead of `relay`.
 * Reading the stats is not free (the whole report is built), so it is done once when the
 * connection is up and again only when ICE reconnects (see `simple-peer-channel.ts`).
 */

/** How a peer connection's packets travel; `unknown` until (or unless) the stats tell. */
export type ConnectionPath = 'direct' | 'relayed' | 'unknown';

/** Every value of {@link ConnectionPath}, for records keyed by path. */
export const CONNECTION_PATHS: readonly ConnectionPath[] = ['direct', 'relayed', 'unknown'];

/** The part of an `RTCStatsReport` this module reads (a Map-like of stat objects). */
export interface StatsReportLike {
  forEach(callback: (stat: unknown) => void): void;
}

/** A stat object as far as this module reads it (every field optional and checked). */
interface StatLike {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly selectedCandidatePairId?: unknown;
  readonly localCandidateId?: unknown;
  readonly remoteCandidateId?: unknown;
  readonly state?: unknown;
  readonly nominated?: unknown;
  readonly selected?: unknown;
  readonly candidateType?: unknown;
}

function asStat(value: unknown): StatLike | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** The candidate pair the connection uses now, or undefined when the report does not tell. */
function selectedPair(byId: ReadonlyMap<string, StatLike>): StatLike | undefined {
  const stats = [...byId.values()];
  // libwebrtc: the transport names its pair.
  for (const stat of stats) {
    if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
    const pair = byId.get(stat.selectedCandidatePairId);
    if (pair) return pair;
  }
  const pairs = stats.filter((stat) => stat.type === 'candidate-pair');
  // Firefox marks the pair in use itself.
  const marked = pairs.find((pair) => pair.selected === true);
  if (marked) return marked;
  // Otherwise the nominated pair that works (with several, ICE uses the nominated one).
  return pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded');
}

function candidateType(byId: ReadonlyMap<string, StatLike>, id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const type = byId.get(id)?.candidateType;
  return typeof type === 'string' ? type : undefined;
}

function isRelay(type: string | undefined): boolean {
  return type === 'relay' || type === 'relayed';
}

/**
 * The path of the candidate pair `report` marks as selected: `relayed` when either of its
 * candidates is a relay candidate, `direct` when both candidates' types are known and neither is,
 * `unknown` when the report names no selected pair or its candidates.
 */
export function pathFromStats(report: StatsReportLike): ConnectionPath {
  const byId = new Map<string, StatLike>();
  report.forEach((value) => {
    const stat = asStat(value);
    if (stat && typeof stat.id === 'string') byId.set(stat.id, stat);
  });
  const pair = selectedPair(byId);
  if (!pair) return 'unknown';
  const local = candidateType(byId, pair.localCandidateId);
  const remote = candidateType(byId, pair.remoteCandidateId);
  if (isRelay(local) || isRelay(remote)) return 'relayed';
  return local !== undefined && remote !== undefined ? 'direct' : 'unknown';
}

/** What {@link readConnectionPath} needs of an `RTCPeerConnection`. */
export interface StatsSourceLike {
  getStats(): Promise<StatsReportLike>;
}

/**
 * Reads `connection`'s stats once and tells its path; `unknown` when getStats fails (a closed
 * connection, an implementation without stats). Never rejects.
 */
export async function readConnectionPath(connection: StatsSourceLike): Promise<ConnectionPath> {
  try {
    return pathFromStats(await connection.getStats());
  } catch {
    return 'unknown';
  }
}
