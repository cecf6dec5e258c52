/**
 * Why the tracker refused a message, and the reply that tells the client so.
 *
 * The reasons are a small fixed set: they label the `p2pml_tracker_refusals_total` metric, so they
 * must never carry client data (bounded cardinality). The human sentence travels in the reply.
 */

/** Every reason the tracker refuses a message or a connection. */
export const REFUSAL_REASONS = [
  /**
   * Not JSON, a binary frame, an unknown action, a field of the wrong type, size or range; or a
   * frame that breaks the WebSocket protocol (e.g. invalid UTF-8 text), which closes the socket.
   */
  'malformed',
  /** The message's peer id is not the one this socket announced first, or another socket holds it. */
  'peer-id-mismatch',
  /** The socket would join more swarms than `maxInfoHashesPerSocket`. */
  'too-many-info-hashes',
  /** The address already holds `maxSocketsPerIp` open WebSockets; the new one is closed. */
  'too-many-sockets-per-ip',
  /** The socket sent messages faster than its token bucket refills. */
  'rate-limited',
  /** A scrape without info hashes (bittorrent-tracker would answer with every swarm it knows). */
  'scrape-without-info-hash',
  /** A frame above the size limit; the WebSocket layer closes the socket with code 1009. */
  'message-too-large',
  /**
   * The client left more than `MAX_UNREAD_REPLY_BYTES` of replies unread (it sends but does not
   * read); the socket is dropped without a reply, which it would not read either.
   */
  'unread-replies',
] as const;

/** One of {@link REFUSAL_REASONS}. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A refusal: what to count and what to tell the client. */
export interface Refusal {
  readonly reason: RefusalReason;
  /** A sentence for the client's `failure reason`; never echoes client data. */
  readonly message: string;
  /** The action the reply answers; 'announce' when the message had none we could read. */
  readonly action: 'announce' | 'scrape';
  /**
   * The message's info hash (binary string) when it was readable. WebTorrent clients drop an
   * announce reply whose `info_hash` is not theirs, so without it the failure is silently ignored.
   */
  readonly infoHash?: string;
}

/**
 * The WebTorrent tracker protocol's failure reply: `{"action", "failure reason", "info_hash"?}`.
 * `action` is always 'announce' or 'scrape': bittorrent-tracker's client treats any other action
 * as a broken tracker and drops the whole socket (every swarm on it), which a refusal must not do.
 */
export function failureReply(refusal: Refusal): string {
  const reply: Record<string, string> = {
    action: refusal.action,
    'failure reason': refusal.message,
  };
  if (refusal.infoHash !== undefined) reply.info_hash = refusal.infoHash;
  return JSON.stringify(reply);
}

/** A refusal of a message whose fields could not be trusted. */
export function malformed(
  message: string,
  action: Refusal['action'] = 'announce',
  infoHash?: string,
): Refusal {
  return infoHash === undefined
    ? { reason: 'malformed', message, action }
    : { reason: 'malformed', message, action, infoHash };
}
