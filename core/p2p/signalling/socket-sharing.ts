/**
 * bittorrent-tracker's client keeps one WebSocket per tracker URL for the whole page (a pool keyed
 * by URL). That suits one client in several swarms, but two engines on one page (or in one Node
 * process) with different peer ids in the SAME swarm would share a socket, and the tracker's offers
 * for either would reach both. So a socket is shared only by connections of one peer id: another
 * peer id gets its own socket, through a URL made distinct by a query parameter that trackers ignore.
 */

/** Effective socket URL -> the peer id using it. */
const owners = new Map<string, string>();

function withQuery(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** The URL to open for `peerId`'s connection to tracker `url`; release it with {@link releaseSocketUrl}. */
export function acquireSocketUrl(url: string, peerId: string): string {
  for (let attempt = 0; ; attempt++) {
    const candidate =
      attempt === 0 ? url : withQuery(url, 'p2pml', `${peerId.slice(0, 12)}-${attempt}`);
    const owner = owners.get(candidate);
    if (owner === undefined || owner === peerId) {
      owners.set(candidate, peerId);
      return candidate;
    }
  }
}

/** Gives up `peerId`'s claim on a socket URL from {@link acquireSocketUrl}. */
export function releaseSocketUrl(socketUrl: string, peerId: string): void {
  if (owners.get(socketUrl) === peerId) owners.delete(socketUrl);
}
