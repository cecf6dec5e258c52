/* global module */
// Jest resolver: some dependencies (bittorrent-tracker and its tree) publish ESM only, with an
// `import` export condition and no `require` one. When Jest's CommonJS resolution finds nothing,
// resolve again through the `import` conditions (SWC then turns those files into CommonJS).
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch {
    return options.defaultResolver(request, {
      ...options,
      conditions: ['import', 'node', 'default'],
    });
  }
};
