import { connectionToKeep } from '../../../../core/p2p/signalling/duplicate-connections.js';

const LOW = '1'.repeat(40);
const HIGH = 'f'.repeat(40);
const pending = (initiator: boolean) => ({ initiator, connected: false });

describe('connectionToKeep', () => {
  it('never replaces an open connection', () => {
    expect(connectionToKeep({ initiator: false, connected: true }, pending(true), LOW, HIGH)).toBe(
      'existing',
    );
  });

  it('makes both sides keep the same one of two crossing connections: the lower id initiates', () => {
    // Seen from LOW: the connection LOW initiated wins, whichever arrived first.
    expect(connectionToKeep(pending(false), pending(true), LOW, HIGH)).toBe('incoming');
    expect(connectionToKeep(pending(true), pending(false), LOW, HIGH)).toBe('existing');
    // Seen from HIGH: the same connection is the one HIGH did not initiate.
    expect(connectionToKeep(pending(true), pending(false), HIGH, LOW)).toBe('incoming');
    expect(connectionToKeep(pending(false), pending(true), HIGH, LOW)).toBe('existing');
  });

  it('keeps the first of two connections in the same direction (one offer via two trackers)', () => {
    expect(connectionToKeep(pending(false), pending(false), LOW, HIGH)).toBe('existing');
    expect(connectionToKeep(pending(true), pending(true), HIGH, LOW)).toBe('existing');
  });
});
