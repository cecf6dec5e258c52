/**
 * A hostile peer in Node with real WebRTC (@roamhq/wrtc, through the webrtc-polyfill shim): it
 * joins every swarm of one source through the real tracker, with the info hashes viewers derive
 * (core/p2p/swarm-identity.ts), claims to hold every segment, and misbehaves as told (see
 * {@link HostileBehaviour}). It counts what it sent and when each viewer dropped it, so tests and
 * the bench can say how fast honest viewers got rid of it.
 *
 * Needs the network namespace of scripts/netns-run.sh (as every WebRTC test does): Chromium viewers
 * and this Node peer then reach each other over the namespace's test host.
 */
import { simplePeerChannel } from '../../../core/p2p/peer/simple-peer-channel.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { TrackerSignalling } from '../../../core/p2p/signalling/tracker-signalling.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { OriginSegmentSource, type SegmentReader } from './origin-segments.js';
import {
  HostileSession,
  type HostileBehaviour,
  type HostileSessionRecord,
} from './hostile-session.js';

/** Settings of {@link startHostilePeer}. */
export interface HostilePeerOptions {
  /** The source the viewers play (HLS multivariant playlist or DASH MPD on the origin). */
  readonly manifestUrl: string;
  /** The viewers' swarm id (their `swarmId` config); default: the manifest URL without query. */
  readonly swarmId?: string;
  /** WebSocket tracker URLs (the viewers'). */
  readonly trackers: readonly string[];
  readonly behaviour: HostileBehaviour;
  /** Stream keys to join; default: every stream of the source. */
  readonly streamKeys?: readonly string[];
  /** How segment bytes are read once located; default: fetched from the origin over HTTP. */
  readonly readSegment?: SegmentReader;
  /** Announce interval, ms. Default 2000: join viewers quickly in short tests. */
  readonly announceIntervalMs?: number;
}

/** What the hostile peer did, over all its connections. */
export interface HostilePeerReport {
  readonly peerId: string;
  readonly behaviour: HostileBehaviour;
  readonly streamKeys: readonly string[];
  /** One record per connection, oldest first (a viewer that reconnects has several). */
  readonly sessions: readonly HostileSessionRecord[];
  /** Sums over sessions. */
  readonly requests: number;
  readonly segmentsStarted: number;
  readonly wrongSegmentsSent: number;
  readonly bytesSent: number;
  /** Distinct viewers that opened a connection to it. */
  readonly viewersConnected: number;
  /** Viewers whose every connection to it is closed now. */
  readonly viewersDisconnected: number;
}

/** A running hostile peer. */
export interface HostilePeer {
  /** Its peer id (40 hex characters), as viewers see it in `peer-banned` events. */
  readonly peerId: string;
  /** Its counters now. */
  report(): HostilePeerReport;
  /** Leaves every swarm and closes every connection. Idempotent. */
  destroy(): Promise<void>;
}

function swarmIdOf(manifestUrl: string): string {
  const cut = manifestUrl.search(/[?#]/);
  return cut === -1 ? manifestUrl : manifestUrl.slice(0, cut);
}

/**
 * Joins the swarms and starts misbehaving. Resolves once every swarm's tracker client started.
 * @throws Error when the source has no stream the peer could join
 */
export async function startHostilePeer(options: HostilePeerOptions): Promise<HostilePeer> {
  const source = new OriginSegmentSource(options.manifestUrl, options.readSegment);
  const streamKeys = options.streamKeys ?? (await source.streamKeys());
  if (streamKeys.length === 0) throw new Error(`no stream to join in ${options.manifestUrl}`);
  const peerId = createPeerId();
  const swarmId = options.swarmId ?? swarmIdOf(options.manifestUrl);
  const sessions: HostileSession[] = [];
  const signallings = streamKeys.map((streamKey) => {
    const signalling = new TrackerSignalling({
      infoHash: infoHashFor(swarmId, streamKey),
      peerId,
      // One peer id, hence one tracker socket, for every swarm (as a viewer's page does): the
      // tracker refuses a peer id that another of its sockets uses.
      trackers: options.trackers,
      rtcConfig: { iceServers: [] },
      announceIntervalMs: options.announceIntervalMs ?? 2000,
      fewPeersAnnounceIntervalMs: options.announceIntervalMs ?? 2000,
      maxPeers: 32,
    });
    signalling.on('peer', ({ peer, remotePeerId }) => {
      sessions.push(
        new HostileSession(simplePeerChannel(peer), {
          behaviour: options.behaviour,
          streamKey,
          viewerPeerId: remotePeerId,
          segment: (key, id) => source.segment(key, id),
        }),
      );
    });
    // Tracker and pre-connection peer trouble is the viewers' business, not the attacker's.
    signalling.on('tracker-error', () => undefined);
    signalling.on('warning', () => undefined);
    signalling.start();
    return signalling;
  });

  let destroyed: Promise<void> | undefined;
  return {
    peerId,
    report: () => {
      const records = sessions.map((session) => session.record);
      const total = (pick: (record: HostileSessionRecord) => number): number =>
        records.reduce((sum, record) => sum + pick(record), 0);
      const viewers = new Set(records.map((record) => record.viewerPeerId));
      const open = new Set(
        records.filter((record) => record.closedAtMs === undefined).map((r) => r.viewerPeerId),
      );
      return {
        peerId,
        behaviour: options.behaviour,
        streamKeys,
        sessions: records.map((record) => ({ ...record })),
        requests: total((record) => record.requests),
        segmentsStarted: total((record) => record.segmentsStarted),
        wrongSegmentsSent: total((record) => record.wrongSegmentsSent),
        bytesSent: total((record) => record.bytesSent),
        viewersConnected: viewers.size,
        viewersDisconnected: [...viewers].filter((viewer) => !open.has(viewer)).length,
      };
    },
    destroy: () => {
      destroyed ??= (async () => {
        await Promise.all(signallings.map((signalling) => signalling.destroy()));
        for (const session of sessions) session.close();
      })();
      return destroyed;
    },
  };
}
