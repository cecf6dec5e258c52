/* global window, crypto */
// Init script for embed test pages (page.addInitScript({ path })): records every fragment the
// embed bundle's hls.js receives, with the SHA-256 of its bytes, in window.__embedFragments, so a
// test can compare what viewers got with what the origin serves. The bundle carries its own hls.js:
// the probe wraps `Hls.prototype.trigger` as soon as the first copy of the bundle publishes
// `p2pml.embed` (players start after that, see plugins/embed/index.ts).
//
// window.__embedFragments: [{ url, rangeStart?, rangeEnd?, byteLength, sha256? }]
'use strict';

(function installEmbedProbe() {
  const fragments = [];
  window.__embedFragments = fragments;

  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join(
      '',
    );
  }

  function wrapTrigger(Hls) {
    const proto = Hls && Hls.prototype;
    if (!proto || proto.__embedProbe) return;
    proto.__embedProbe = true;
    const trigger = proto.trigger;
    proto.trigger = function probedTrigger(event, data) {
      if (event === 'hlsFragLoaded' && data && data.payload) {
        const [rangeStart, rangeEnd] = data.frag.byteRange ?? [];
        const record = { url: data.frag.url, byteLength: data.payload.byteLength };
        if (rangeEnd !== undefined) Object.assign(record, { rangeStart, rangeEnd });
        fragments.push(record);
        // digest() copies the bytes now, before hls.js hands the buffer to its transmuxer.
        void crypto.subtle.digest('SHA-256', data.payload).then((digest) => {
          record.sha256 = toHex(digest);
        });
      }
      return trigger.call(this, event, data);
    };
  }

  // `p2pml` is created by the bundle's UMD wrapper (`p2pml = p2pml || {}`; then `.embed = ...`):
  // provide the namespace with an accessor so the assignment is seen the moment it happens.
  let embed;
  const namespace = {};
  Object.defineProperty(namespace, 'embed', {
    configurable: true,
    enumerable: true,
    get: () => embed,
    set: (value) => {
      embed = value;
      if (value) wrapTrigger(value.Hls);
    },
  });
  window.p2pml = namespace;
})();
