import { summarizeSwarms } from '../../../tracker/tracker-stats.js';

/** A swarm peer list like bittorrent-tracker's LRU: `peek` misses expired ids. */
function swarm(live: string[], expired: string[] = []) {
  return {
    peers: {
      keys: [...live, ...expired],
      peek: (id: string) => (live.includes(id) ? {} : undefined),
    },
  };
}

describe('summarizeSwarms', () => {
  it('counts live peers per swarm, distinct peers overall and swarms that have peers', () => {
    const summary = summarizeSwarms({
      aa: swarm(['p1', 'p2']),
      bb: swarm(['p2', 'p3'], ['gone']),
      cc: swarm([], ['gone']),
      dd: undefined,
    });
    expect(summary).toEqual({ swarms: 2, peers: 3, swarmPeers: { aa: 2, bb: 2 } });
  });

  it('reports nothing for a tracker without swarms', () => {
    expect(summarizeSwarms({})).toEqual({ swarms: 0, peers: 0, swarmPeers: {} });
  });
});
