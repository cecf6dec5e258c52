/**
 * One WebRTC peer (@roamhq/wrtc) run as a child process inside a lab viewer namespace (see
 * json-lines-child.ts), so that its ICE candidates are the viewer's: host behind NAT, server
 * reflexive from the lab's STUN server, relayed from its TURN server. The test signals two of them
 * to each other over their stdio and asks which candidate pair ICE selected.
 *
 * argv[2]: JSON `{ iceServers, initiator }`. Candidates are trickled, as real applications do: not
 * waiting for gathering to complete matters here, since libwebrtc's STUN requests from its
 * loopback socket never get an answer and hold gathering open for about ten seconds.
 *
 * Events (stdout): `description {description}`, `candidate {candidate}`, `open` (data channel),
 * `message {text}`, `state {connectionState}`. Commands (stdin, with `id`): `description
 * {description}` and `candidate {candidate}` (the remote peer's), `send {text}`, `pair` →
 * `{local, remote}` of the selected candidate pair (type, address, port, protocol, relayProtocol)
 * or `null` while none is selected.
 */
import { createRequire } from 'node:module';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc') as { RTCPeerConnection: typeof RTCPeerConnection };

interface PeerSettings {
  iceServers: RTCIceServer[];
  initiator: boolean;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as PeerSettings;
const connection = new wrtc.RTCPeerConnection({ iceServers: settings.iceServers });

function emit(message: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function watchChannel(channel: RTCDataChannel): void {
  channel.onopen = () => {
    emit({ event: 'open' });
  };
  channel.onmessage = (event: MessageEvent) => {
    emit({ event: 'message', text: String(event.data) });
  };
}

let channel: RTCDataChannel | undefined;
if (settings.initiator) {
  channel = connection.createDataChannel('lab');
  watchChannel(channel);
} else
  connection.ondatachannel = (event: RTCDataChannelEvent) => {
    channel = event.channel;
    watchChannel(channel);
  };
connection.onconnectionstatechange = () => {
  emit({ event: 'state', connectionState: connection.connectionState });
};

connection.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
  if (event.candidate !== null) emit({ event: 'candidate', candidate: event.candidate.toJSON() });
};

function emitLocalDescription(): void {
  const description = connection.localDescription;
  emit({ event: 'description', description: { type: description?.type, sdp: description?.sdp } });
}

// Candidates that arrive before the remote description are held until it is set.
const pendingCandidates: RTCIceCandidateInit[] = [];

interface StatsEntry {
  type: string;
  id: string;
  [key: string]: unknown;
}

async function selectedPair(): Promise<Record<string, unknown> | null> {
  const report = await connection.getStats();
  const entries = new Map<string, StatsEntry>();
  report.forEach((entry: StatsEntry) => entries.set(entry.id, entry));
  let pair: StatsEntry | undefined;
  for (const entry of entries.values())
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string')
      pair = entries.get(entry.selectedCandidatePairId);
  // Older stats have no transport entry: the nominated, succeeded pair is the selected one.
  pair ??= [...entries.values()].find(
    (entry) =>
      entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded',
  );
  if (pair === undefined) return null;
  const describe = (id: unknown): Record<string, unknown> | null => {
    const candidate = typeof id === 'string' ? entries.get(id) : undefined;
    if (candidate === undefined) return null;
    return {
      type: candidate.candidateType,
      address: candidate.address ?? candidate.ip,
      port: candidate.port,
      protocol: candidate.protocol,
      relayProtocol: candidate.relayProtocol,
    };
  };
  return { local: describe(pair.localCandidateId), remote: describe(pair.remoteCandidateId) };
}

async function handle(command: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (command.op) {
    case 'description': {
      const description = command.description as RTCSessionDescriptionInit;
      await connection.setRemoteDescription(description);
      if (description.type === 'offer') {
        await connection.setLocalDescription(await connection.createAnswer());
        emitLocalDescription();
      }
      for (const candidate of pendingCandidates.splice(0))
        await connection.addIceCandidate(candidate);
      return {};
    }
    case 'candidate': {
      const candidate = command.candidate as RTCIceCandidateInit;
      if (connection.remoteDescription === null) pendingCandidates.push(candidate);
      else await connection.addIceCandidate(candidate);
      return {};
    }
    case 'send':
      if (channel?.readyState !== 'open') throw new Error('data channel not open');
      channel.send(String(command.text));
      return {};
    case 'pair':
      return { pair: await selectedPair() };
    default:
      throw new Error(`unknown op ${String(command.op)}`);
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Record<string, unknown>;
  handle(command).then(
    (reply) => {
      emit({ id: command.id, ok: true, ...reply });
    },
    (error: unknown) => {
      emit({ id: command.id, ok: false, error: String(error) });
    },
  );
});
process.stdin.on('end', () => {
  connection.close();
  process.exit(0);
});

if (settings.initiator) {
  void connection
    .createOffer()
    .then((offer) => connection.setLocalDescription(offer))
    .then(emitLocalDescription);
}
emit({ event: 'ready' });
