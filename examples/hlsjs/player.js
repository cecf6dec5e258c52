/* global window, document, fetch, URLSearchParams, setInterval, Hls, p2pml */
// The hls.js example: each <section class="player"> plays the chosen stream (live or VOD) with
// hls.js through the P2P engine and shows the engine's statistics. Plain script over the UMD
// bundles, as a page without a bundler would do it.
//
// Query parameters: stream (default hls-ts), trackerPort (default 8000).
'use strict';

(function startExample() {
  const params = new URLSearchParams(window.location.search);
  const trackerPort = params.get('trackerPort') ?? '8000';
  // The demo tracker runs next to the origin; a page served elsewhere points at its own tracker.
  const trackerUrl = `ws://${window.location.hostname}:${trackerPort}`;
  // All tabs share the session name, so they watch the same live stream and form one swarm.
  const liveSession = 'demo';

  const streamSelect = document.getElementById('stream');
  streamSelect.value = params.get('stream') ?? 'hls-ts';
  streamSelect.addEventListener('change', () => {
    params.set('stream', streamSelect.value);
    window.location.search = params.toString();
  });

  function manifestUrl(mode, stream) {
    const origin = window.location.origin;
    return mode === 'live'
      ? `${origin}/live/${liveSession}/${stream}/master.m3u8`
      : `${origin}/vod/${stream}/master.m3u8`;
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

  function startPlayer(section, integrity) {
    const video = section.querySelector('video');
    const errorLine = section.querySelector('.error');
    if (!Hls.isSupported()) {
      errorLine.textContent = 'This browser has no Media Source Extensions: hls.js cannot play.';
      return;
    }
    const p2p = new p2pml.hlsjs.HlsJsP2PEngine({
      trackers: [trackerUrl],
      // Peers of the demo share a machine or a LAN: host candidates suffice, and without STUN
      // servers the page contacts nothing but the demo's own origin and tracker.
      rtcConfig: { iceServers: [] },
      integrity,
    });
    const hls = new Hls(p2p.getConfig());
    p2p.bindHls(hls);
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) errorLine.textContent = `Playback error: ${data.details}`;
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => {
        // Autoplay refused: the user presses play.
      });
    });
    hls.loadSource(manifestUrl(section.dataset.mode, streamSelect.value));
    hls.attachMedia(video);
    const table = section.querySelector('.stats');
    renderStats(table, p2p.engine.getStats());
    setInterval(() => renderStats(table, p2p.engine.getStats()), 1000);
  }

  trustedHashes()
    .catch(() => undefined)
    .then((integrity) => {
      for (const section of document.querySelectorAll('.player')) startPlayer(section, integrity);
    });
})();
