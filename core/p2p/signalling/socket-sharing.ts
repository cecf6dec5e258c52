/**
 * bittorrent-tracker's client keeps one WebSocket per tracker URL for the whole page (a pool keyed
 * by URL). That suits one client in several swarms, but two engines on one page (or in one Node
 * process) with different peer ids in the SAME swarm would share a socket, and the tracker's offers
 * for either would reach both. So a socket is shared only by connections of one peer id: another
 * peer id gets its own socket, through a URL made distinct by a query parameter that trackers ignore.
 */

/** A socket URL's owner and how many of its connections (one per swarm) hold the URL. */
interface SocketClaim {
  readonly peerId: string;
  holders: number;
}

/** Effective socket URL -> the peer id using it, counted per connection holding it. */
const claims = new Map<string, SocketClaim>();

function withQuery(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

/**
 * The URL to open for `peerId`'s connection to tracker `url`; release it with
 * {@link releaseSocketUrl}, once per acquisition. The URL stays `peerId`'s until every connection
 * that acquired it has released it: the socket is shared by all of them, so handing the URL to
 * another peer id while one remains would put two peer ids on one socket (the tracker then refuses
 * both: in the 30-viewer lab, late joiners of a virtual-viewer process never got a peer).
 */
export function acquireSocketUrl(url: string, peerId: string): string {
  // The query names the peer by the random end of its id (every id starts with the client prefix).
  const tag = peerId.slice(-12);
  for (let attempt = 0; ; attempt++) {
    const candidate = attempt === 0 ? url : withQuery(url, 'p2pml', `${tag}-${attempt}`);
    const claim = claims.get(candidate);
    if (claim === undefined) {
      claims.set(candidate, { peerId, holders: 1 });
      return candidate;
    }
    if (claim.peerId === peerId) {
      claim.holders++;
      return candidate;
    }
  }
}

/** Gives up one of `peerId`'s claims on a socket URL from {@link acquireSocketUrl}. */
export function releaseSocketUrl(socketUrl: string, peerId: string): void {
  const claim = claims.get(socketUrl);
  if (claim?.peerId !== peerId) return;
  claim.holders--;
  if (claim.holders <= 0) claims.delete(socketUrl);
}
