#!/usr/bin/env node
/**
 * `p2p-media-loader-tracker`: runs the embedded WebSocket tracker until SIGINT or SIGTERM. Nothing a
 * client sends ends the process: messages are checked before the tracker handles them, and what
 * goes wrong afterwards is a (throttled) warning on stderr.
 */
import { parseTrackerCliArgs, TRACKER_CLI_USAGE } from './cli-args.js';
import { startTrackerServer } from './tracker-server.js';
import { WarningThrottle } from './warning-throttle.js';

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

  const throttle = new WarningThrottle();
  const tracker = await startTrackerServer({
    port: command.port,
    host: command.host,
    ...command.limits,
    processMetrics: true,
    onWarning: (error) => {
      const decision = throttle.admit(Date.now());
      if (decision.suppressedBefore > 0) {
        console.warn(`warning: ${decision.suppressedBefore} more warnings were not shown`);
      }
      if (decision.print) console.warn(`warning: ${error.message}`);
    },
  });
  console.log(`tracker: ${tracker.url}`);
  console.log(`stats:   ${tracker.statsUrl}`);
  console.log(`metrics: ${tracker.metricsUrl}`);

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
