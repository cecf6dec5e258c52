#!/usr/bin/env node
/**
 * `p2p-media-loader-tracker`: runs the embedded WebSocket tracker until SIGINT or SIGTERM.
 */
import { parseTrackerCliArgs, TRACKER_CLI_USAGE } from './cli-args.js';
import { startTrackerServer } from './tracker-server.js';

// Generous upper bound for closing sockets on shutdown; a hang must not keep the process alive.
const SHUTDOWN_TIMEOUT_MS = 5000;

async function main(): Promise<void> {
  const command = parseTrackerCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(TRACKER_CLI_USAGE);
    return;
  }
  if (command.kind === 'error') {
    console.error(`p2p-media-loader-tracker: ${command.message}\n\n${TRACKER_CLI_USAGE}`);
    process.exitCode = 2;
    return;
  }

  const tracker = await startTrackerServer({
    port: command.port,
    host: command.host,
    onWarning: (error) => {
      console.warn(`warning: ${error.message}`);
    },
  });
  console.log(`tracker: ${tracker.url}`);
  console.log(`stats:   ${tracker.statsUrl}`);

  const shutdown = (signal: NodeJS.Signals) => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    // A second Ctrl+C while closing ends the process at once (default signal handling).
    console.log(`${signal}: stopping`);
    setTimeout(() => {
      console.error('p2p-media-loader-tracker: sockets did not close in time');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    tracker.stop().then(
      () => {
        console.log('stopped');
      },
      (error: unknown) => {
        console.error('p2p-media-loader-tracker: error while stopping', error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(
    `p2p-media-loader-tracker: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
