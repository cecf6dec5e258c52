/**
 * Stands between every WebSocket and bittorrent-tracker: counts connections per address, charges
 * each frame to the socket's rate, validates it, applies the peer id and swarm rules, and hands
 * bittorrent-tracker only the rebuilt, well-formed message. Everything refused is answered with a
 * WebTorrent `failure reason` and counted; nothing a client sends reaches the package unchecked.
 *
 * How it intercepts: bittorrent-tracker's 'connection' listener (added when its server is built,
 * so it runs before ours) attaches one 'message' listener per socket and keeps it as
 * `socket.onMessageBound`. We take that listener off the socket and call it ourselves with
 * accepted messages only. A try/catch around the package could not do this job: it handles a
 * message in callbacks run by `process.nextTick`, where its throws escape any caller. Building our
 * own ws server and passing the package a stand-in socket would also work, but the stand-in would
 * have to imitate every socket member the package touches; one documented field is less to keep in
 * step. If a future version stops setting `onMessageBound`, every connection is closed with a
 * warning (fail closed) and the integration tests fail.
 *
 * Sockets are closed only where a refusal cannot help: a connection beyond the per-address cap
 * (the socket itself is the cost), and an oversized frame or a frame that breaks the WebSocket
 * protocol (the ws layer closes those itself, with 1009 or 1002/1007, before a message exists). Every other refusal leaves the socket open, so a client's other swarms on
 * the same socket go on working.
 */
import type { IncomingMessage } from 'node:http';

import type { WsSocket } from 'bittorrent-tracker/server';

import { encodeTrackerRequest, validateTrackerMessage } from './message-validation.js';
import { failureReply, malformed, type Refusal } from './refusal.js';
import {
  AddressConnectionCounter,
  PeerIdRegistry,
  SocketPolicy,
  type SocketLimits,
} from './socket-policy.js';
import type { TrackerMetrics } from './tracker-metrics.js';

/** Limits the guard enforces. */
export interface MessageGuardLimits extends SocketLimits {
  /** Open WebSockets allowed per remote address. */
  readonly maxSocketsPerIp: number;
}

/** The WebSocket server's connection event, as bittorrent-tracker's `server.ws` exposes it. */
export interface ConnectionSource {
  on(event: 'connection', listener: (socket: WsSocket, request: IncomingMessage) => void): unknown;
}

// WebSocket close codes (RFC 6455 §7.4.1): policy violation, and server-side failure.
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_INTERNAL_ERROR = 1011;
// The code ws 8 gives the error it emits when a frame exceeds `maxPayload` (it then closes with 1009);
// its other protocol errors have codes starting with WS_ERR_ too.
const WS_MESSAGE_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
// How bittorrent-tracker 11 starts the JSON of a relayed offer and of a relayed answer (it builds
// both from object literals with `action` first). Used only to count relays.
const RELAYED_OFFER_PREFIX = '{"action":"announce","offer":';
const RELAYED_ANSWER_PREFIX = '{"action":"announce","answer":';
/**
 * Bytes a socket may leave unread before it is dropped. Every frame a client sends can make the
 * tracker send one (a failure reply, relayed offers): a client that sends but never reads would
 * otherwise make it hold every reply in memory. An honest client reads as it goes; 1 MiB is some
 * 200 relayed offers of full-size SDPs.
 */
export const MAX_UNREAD_REPLY_BYTES = 1024 * 1024;

/**
 * Guards every connection `source` emits from now on. Call right after bittorrent-tracker's server
 * is built, before it listens. Holds no timers (one `setImmediate` at most per socket, after a
 * message): the per-socket state goes when the socket closes.
 */
export function guardConnections(
  source: ConnectionSource,
  limits: MessageGuardLimits,
  metrics: TrackerMetrics,
  onWarning: (error: Error) => void,
  nowMs: () => number = Date.now,
): void {
  const addresses = new AddressConnectionCounter(limits.maxSocketsPerIp);
  const peerIds = new PeerIdRegistry<SocketPolicy>();

  source.on('connection', (socket, request) => {
    const address = remoteAddress(request);
    const rawSend = socket.send.bind(socket);
    // Every send, ours and the package's, goes through here.
    let dropped = false;
    const send = (data: string, callback: (error?: Error) => void): void => {
      if (dropped || socket.bufferedAmount > MAX_UNREAD_REPLY_BYTES) {
        // A close handshake would wait on the same unread bytes: drop the connection at once.
        if (!dropped) metrics.countRefusal('unread-replies');
        dropped = true;
        socket.terminate();
        callback(new Error('the client does not read its replies; connection dropped'));
        return;
      }
      rawSend(data, callback);
    };
    const reply = (refusal: Refusal) => {
      metrics.countRefusal(refusal.reason);
      send(failureReply(refusal), ignoreSendError);
    };

    // Taken off first, whatever happens next: ws still delivers frames that arrive while a socket
    // we refused is closing, and none of them may reach the package unchecked.
    const handle = socket.onMessageBound;
    if (typeof handle === 'function') socket.removeListener('message', handle);

    if (!addresses.open(address)) {
      reply({
        reason: 'too-many-sockets-per-ip',
        message: `too many connections from this address (at most ${limits.maxSocketsPerIp})`,
        action: 'announce',
      });
      socket.close(CLOSE_POLICY_VIOLATION, 'too many connections from this address');
      return;
    }
    const policy = new SocketPolicy(limits, peerIds, nowMs());
    let trimScheduled = false;
    socket.on('close', () => {
      addresses.close(address);
      policy.release();
    });
    // ws reports frames that break the protocol (invalid UTF-8 text, bad opcodes, unmasked
    // frames) as errors with a WS_ERR_ code and closes the socket itself (1002/1007/1009).
    socket.on('error', (error) => {
      if (error.code === WS_MESSAGE_TOO_LARGE) metrics.countRefusal('message-too-large');
      else if (error.code?.startsWith('WS_ERR_')) metrics.countRefusal('malformed');
    });

    if (typeof handle !== 'function') {
      onWarning(new Error('bittorrent-tracker attached no message handler; connection closed'));
      socket.close(CLOSE_INTERNAL_ERROR, 'tracker error');
      return;
    }

    socket.send = (data, callback) => {
      send(data, (error) => {
        if (!error) countRelay(data, metrics);
        callback?.(error);
      });
    };

    socket.on('message', (data, isBinary) => {
      try {
        const outcome = screen(data, isBinary, policy, nowMs());
        if (typeof outcome === 'string') {
          // The package's handler as it is now: after a close or socket error the package nulls
          // the field (and its per-socket state), so a late message must not reach the old one.
          socket.onMessageBound?.(outcome);
          // The package records the message's swarm in callbacks of its own: trim after them.
          if (!trimScheduled) {
            trimScheduled = true;
            setImmediate(() => {
              trimScheduled = false;
              forgetLeftSwarms(socket, policy);
            });
          }
        } else {
          reply(outcome);
        }
      } catch (error) {
        // Nothing above should throw; if it does, one message is lost, not the process.
        onWarning(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });

  /** The JSON to hand bittorrent-tracker, or why the frame is refused. */
  function screen(
    data: unknown,
    isBinary: boolean,
    policy: SocketPolicy,
    now: number,
  ): Refusal | string {
    const rateRefusal = policy.admitFrame(now);
    if (rateRefusal) return rateRefusal;
    if (isBinary || !Buffer.isBuffer(data)) return malformed('binary frames are not accepted');
    const result = validateTrackerMessage(data.toString('utf8'));
    if (!result.ok) return result.refusal;
    const policyRefusal = policy.admitRequest(result.request);
    if (policyRefusal) return policyRefusal;
    if (result.request.kind === 'announce') metrics.countAnnounce();
    return encodeTrackerRequest(result.request);
  }
}

/**
 * Drops from bittorrent-tracker's list of the socket's swarms those it has left. The package only
 * ever adds to that list (a 'stopped' included), so a client joining and leaving swarm after swarm
 * on one socket would grow it without bound, though the policy holds the socket to
 * `maxInfoHashesPerSocket` swarms at once. Run once the package handled a burst of messages: the
 * list then holds the policy's swarms and nothing else. Dropping a left swarm
 * is safe: the package walks the list only on close, to remove the peer from each swarm, and the
 * 'stopped' already removed it.
 */
function forgetLeftSwarms(socket: WsSocket, policy: SocketPolicy): void {
  const listed = socket.infoHashes;
  if (!Array.isArray(listed) || listed.length <= policy.swarmCount) return;
  socket.infoHashes = listed.filter((hex) =>
    policy.isIn(Buffer.from(hex, 'hex').toString('latin1')),
  );
}

function countRelay(data: string, metrics: TrackerMetrics): void {
  if (data.startsWith(RELAYED_OFFER_PREFIX)) metrics.countOfferRelayed();
  else if (data.startsWith(RELAYED_ANSWER_PREFIX)) metrics.countAnswerRelayed();
}

/** The client's address, with IPv4-mapped IPv6 addresses in IPv4 form (one client, one key). */
function remoteAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function ignoreSendError(): void {
  // A reply to a socket that closed meanwhile is simply lost.
}
