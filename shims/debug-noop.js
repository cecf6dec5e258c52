// Stand-in for the `debug` package in our UMD bundles: the tracker client and simple-peer log
// through it, but script-tag users cannot switch those logs on anyway, so the bundles drop them.
export default function createDebug() {
  const log = () => {};
  log.enabled = false;
  log.extend = () => log;
  return log;
}
