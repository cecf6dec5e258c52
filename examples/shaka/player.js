/* global window, document, fetch, URLSearchParams, setInterval, shaka, p2pml */
// The Shaka Player example: each <section class="player"> plays the chosen stream (live or VOD)
// with Shaka through the P2P engine and shows the engine's statistics. Plain script over the UMD
// bundles, as a page without a bundler would do it.
//
// Query parameters: stream (default dash-number), trackerPort (default 8000).
'use strict';

(function startExample() {
  const params = new URLSearchParams(window.location.search);
  const trackerPort = params.get('trackerPort') ?? '8000';
  const trackerUrl = `ws://${window.location.hostname}:${trackerPort}`;
  // All tabs share the session name, so they watch the same live stream and form one swarm.
  const liveSession = 'demo';
  // The origin simulates live DASH for template addressing only.
  const VOD_ONLY = ['dash-list', 'dash-base'];

  const streamSelect = document.getElementById('stream');
  streamSelect.value = params.get('stream') ?? 'dash-number';
  streamSelect.addEventListener('change', () => {
    params.set('stream', streamSelect.value);
    window.location.search = params.toString();
  });

  function manifestUrl(mode, stream) {
    const origin = window.location.origin;
    const file = stream.startsWith('dash-') ? 'manifest.mpd' : 'master.m3u8';
    return mode === 'live'
      ? `${origin}/live/${liveSession}/${stream}/${file}`
      : `${origin}/vod/${stream}/${file}`;
  }

  function formatBytes(bytes) {
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  }

  function renderStats(table, stats) {
    const rows = [
      ['Downloaded over HTTP', formatBytes(stats.httpBytes)],
      ['Downloaded from peers', formatBytes(stats.p2pBytes)],
      ['Uploaded to peers', formatBytes(stats.uploadBytes)],
      ['From peers', `${(stats.p2pRatio * 100).toFixed(0)} %`],
      ['Peers', String(stats.peers)],
      [
        'Segments (HTTP / P2P / cache)',
        `${stats.segments.http} / ${stats.segments.p2p} / ${stats.segments.cache}`,
      ],
      ['Held in memory', formatBytes(stats.storeBytes)],
    ];
    table.replaceChildren(
      ...rows.map(([label, value]) => {
        const row = document.createElement('tr');
        for (const text of [label, value]) {
          const cell = document.createElement('td');
          cell.textContent = text;
          row.appendChild(cell);
        }
        return row;
      }),
    );
  }

  // The demo origin publishes a hash manifest, signed with this checkout's demo key, next to every
  // stream (examples/media/generate.sh; live sessions serve a growing one): with it, every segment
  // from a peer is checked against the origin's SHA-256 before the player sees it.
  async function trustedHashes() {
    const response = await fetch('/examples/media/streams/hashes-public-key.txt');
    if (!response.ok) return undefined;
    return { hashManifestUrl: 'segments-sha256.json', publicKey: (await response.text()).trim() };
  }

  async function startPlayer(section, integrity) {
    const video = section.querySelector('video');
    const errorLine = section.querySelector('.error');
    const mode = section.dataset.mode;
    if (mode === 'live' && VOD_ONLY.includes(streamSelect.value)) {
      errorLine.textContent = 'The demo origin simulates live DASH for SegmentTemplate only.';
      return;
    }
    if (!shaka.Player.isBrowserSupported()) {
      errorLine.textContent = 'Shaka Player does not support this browser.';
      return;
    }
    const player = new shaka.Player();
    await player.attach(video);
    // Attach before load(): the adapter names segments from the manifests it sees Shaka download.
    const p2p = p2pml.shaka.attach(player, {
      shaka,
      trackers: [trackerUrl],
      // Peers of the demo share a machine or a LAN: host candidates suffice, and without STUN
      // servers the page contacts nothing but the demo's own origin and tracker.
      rtcConfig: { iceServers: [] },
      integrity,
    });
    player.addEventListener('error', (event) => {
      errorLine.textContent = `Playback error: Shaka ${String(event.detail.code)}`;
    });
    const table = section.querySelector('.stats');
    renderStats(table, p2p.getStats());
    setInterval(() => renderStats(table, p2p.getStats()), 1000);
    await player.load(manifestUrl(mode, streamSelect.value));
    video.play().catch(() => {
      // Autoplay refused: the user presses play.
    });
  }

  shaka.polyfill.installAll();
  const integrity = trustedHashes().catch(() => undefined);
  for (const section of document.querySelectorAll('.player')) {
    integrity
      .then((trusted) => startPlayer(section, trusted))
      .catch((error) => {
        section.querySelector('.error').textContent = `Could not start: ${String(error)}`;
      });
  }
})();
