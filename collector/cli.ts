#!/usr/bin/env node
/**
 * `p2p-media-loader-collector`: runs the stats collector until SIGINT or SIGTERM, then stores what
 * waits and closes the database.
 */
import { COLLECTOR_CLI_USAGE, parseCollectorCliArgs } from './cli-args.js';
import { startCollector } from './http/collector-server.js';
import { isPostgresUrl } from './store/open-store.js';

// Generous bound for the last write and closing; a hang must not keep the process alive.
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const command = parseCollectorCliArgs(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    console.log(COLLECTOR_CLI_USAGE);
    return;
  }
  if (command.kind === 'error') {
    console.error(`p2p-media-loader-collector: ${command.message}\n\n${COLLECTOR_CLI_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const collector = await startCollector({
    port: command.port,
    host: command.host,
    db: command.db,
    retentionDays: command.retentionDays,
    token: command.token,
    trustProxy: command.trustProxy,
    maxSwarmLabels: command.maxSwarmLabels,
    onWarning: (message) => {
      console.warn(`warning: ${message}`);
    },
  });
  console.log(`collector: ${collector.url}/ (dashboard)`);
  console.log(`beacons:   ${collector.beaconUrl}`);
  console.log(`metrics:   ${collector.url}/metrics`);
  console.log(`database:  ${isPostgresUrl(command.db) ? 'PostgreSQL' : command.db}`);

  const shutdown = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    console.log(`${signal}: stopping`);
    setTimeout(() => {
      console.error('p2p-media-loader-collector: did not stop in time');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    collector.stop().then(
      () => {
        console.log('stopped');
      },
      (error: unknown) => {
        console.error('p2p-media-loader-collector: error while stopping', error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(
    `p2p-media-loader-collector: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
