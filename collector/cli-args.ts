/**
 * Arguments of `p2p-media-loader-collector` (pure, so tests can check every refusal).
 */
import {
  DEFAULT_COLLECTOR_DB,
  DEFAULT_COLLECTOR_PORT,
  DEFAULT_RETENTION_DAYS,
} from './http/collector-server.js';

/** What the command line asks for. */
export type CollectorCliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly port: number;
      readonly host: string;
      readonly db: string;
      readonly retentionDays: number;
      /** From `--token` or the `P2PML_COLLECTOR_TOKEN` environment variable. */
      readonly token: string | undefined;
      readonly trustProxy: boolean;
      readonly maxSwarmLabels: number;
    };

/** `--help` text. */
export const COLLECTOR_CLI_USAGE = `usage: p2p-media-loader-collector [options]

Receives P2P Media Loader stats beacons, stores them in minute buckets and serves a dashboard
(/), Prometheus metrics (/metrics) and the beacon endpoint (POST /beacon).

  --port PORT            port to listen on (default ${DEFAULT_COLLECTOR_PORT})
  --host HOST            address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --db FILE|URL          SQLite file (default ./${DEFAULT_COLLECTOR_DB}) or postgres://user:pass@host/db
  --retention-days N     delete buckets older than N days (default ${DEFAULT_RETENTION_DAYS})
  --token TOKEN          bearer token for the dashboard API and /metrics
                         (or P2PML_COLLECTOR_TOKEN; default: open)
  --trust-proxy          rate-limit by the first X-Forwarded-For address (behind your proxy)
  --max-swarm-labels N   swarms with their own Prometheus label (default 50; others: "other")
  --help                 this text`;

function integerIn(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

/** Parses `argv` (without node and the script). */
export function parseCollectorCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CollectorCliCommand {
  let port = DEFAULT_COLLECTOR_PORT;
  let host = '127.0.0.1';
  let db = DEFAULT_COLLECTOR_DB;
  let retentionDays = DEFAULT_RETENTION_DAYS;
  let token = env['P2PML_COLLECTOR_TOKEN'] || undefined;
  let trustProxy = false;
  let maxSwarmLabels = 50;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    const takeValue = (): string | undefined => {
      index++;
      return value;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--trust-proxy':
        trustProxy = true;
        break;
      case '--port': {
        const parsed = integerIn(takeValue(), 0, 65535);
        if (parsed === undefined)
          return { kind: 'error', message: '--port needs a port number 0..65535' };
        port = parsed;
        break;
      }
      case '--host': {
        const parsed = takeValue();
        if (!parsed) return { kind: 'error', message: '--host needs an address' };
        host = parsed;
        break;
      }
      case '--db': {
        const parsed = takeValue();
        if (!parsed)
          return { kind: 'error', message: '--db needs a file path or a postgres:// URL' };
        db = parsed;
        break;
      }
      case '--retention-days': {
        const parsed = integerIn(takeValue(), 1, 3650);
        if (parsed === undefined)
          return { kind: 'error', message: '--retention-days needs 1..3650' };
        retentionDays = parsed;
        break;
      }
      case '--token': {
        const parsed = takeValue();
        if (!parsed) return { kind: 'error', message: '--token needs a value' };
        token = parsed;
        break;
      }
      case '--max-swarm-labels': {
        const parsed = integerIn(takeValue(), 1, 10_000);
        if (parsed === undefined)
          return { kind: 'error', message: '--max-swarm-labels needs 1..10000' };
        maxSwarmLabels = parsed;
        break;
      }
      default:
        return { kind: 'error', message: `unknown argument ${String(flag)}` };
    }
  }
  return { kind: 'run', port, host, db, retentionDays, token, trustProxy, maxSwarmLabels };
}
