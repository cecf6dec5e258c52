/**
 * Fault injection: rules that make the next N requests matching a path pattern fail (status),
 * start late (delay before headers) or hang (stall after some body bytes). Tests use it to prove
 * that HTTP failures are retried or covered by P2P.
 */

/** A fault to inject; at least one of `status`, `delayMs`, `stallAfterBytes`. */
export interface FaultSpec {
  /** RegExp source matched against the request path (no query string), e.g. `seg_00[3-5]\\.ts$`. */
  readonly pathPattern: string;
  /** Answer with this HTTP status (and a short text body) instead of the real reply. */
  readonly status?: number;
  /** Wait this long, in ms, before sending the headers. */
  readonly delayMs?: number;
  /** How many matching requests get the fault; default 1. Use a large number for "always". */
  readonly times?: number;
  /** Send only this many body bytes, then hold the connection open silently until the client leaves. */
  readonly stallAfterBytes?: number;
}

/** An active fault rule, as listed by {@link FaultInjector.list}. */
export interface FaultRule extends FaultSpec {
  /** Id returned by {@link FaultInjector.add}. */
  readonly id: string;
  /** Matching requests still to be hit. */
  readonly remaining: number;
}

/** The fault a request gets: what {@link FaultInjector.take} hands to the request pipeline. */
export interface InjectedFault {
  /** Id of the rule that fired. */
  readonly id: string;
  readonly status?: number;
  readonly delayMs?: number;
  readonly stallAfterBytes?: number;
}

/** A fault spec is malformed; the message says which field and why. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

function optionalInteger(
  value: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const raw = value[field];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new FaultSpecError(`${field} must be an integer from ${min} to ${max}`);
  }
  return raw;
}

/**
 * Checks an untrusted fault spec (e.g. a JSON body) and returns it normalized.
 * @throws FaultSpecError when a field is missing, of the wrong type or out of range, or the
 *   spec would have no effect
 */
export function validateFaultSpec(value: unknown): FaultSpec & { times: number } {
  if (typeof value !== 'object' || value === null)
    throw new FaultSpecError('fault must be an object');
  const fields = value as Record<string, unknown>;
  const { pathPattern } = fields;
  if (typeof pathPattern !== 'string' || pathPattern === '') {
    throw new FaultSpecError('pathPattern must be a non-empty RegExp source string');
  }
  try {
    new RegExp(pathPattern);
  } catch (error) {
    throw new FaultSpecError(`pathPattern is not a valid RegExp: ${(error as Error).message}`);
  }
  const status = optionalInteger(fields, 'status', 100, 599);
  const delayMs = optionalInteger(fields, 'delayMs', 0, 600_000);
  const stallAfterBytes = optionalInteger(fields, 'stallAfterBytes', 0, Number.MAX_SAFE_INTEGER);
  const times = optionalInteger(fields, 'times', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  if (status === undefined && delayMs === undefined && stallAfterBytes === undefined) {
    throw new FaultSpecError('a fault needs status, delayMs or stallAfterBytes');
  }
  return {
    pathPattern,
    times,
    ...(status === undefined ? {} : { status }),
    ...(delayMs === undefined ? {} : { delayMs }),
    ...(stallAfterBytes === undefined ? {} : { stallAfterBytes }),
  };
}

interface ActiveRule {
  readonly id: string;
  readonly spec: FaultSpec & { times: number };
  readonly pattern: RegExp;
  remaining: number;
}

/** The set of active fault rules of an origin. */
export class FaultInjector {
  #rules: ActiveRule[] = [];
  #nextId = 1;

  /**
   * Adds a rule; it applies to the next `times` matching requests, in the order rules were added
   * (a request gets at most one fault: the oldest matching rule with hits left).
   * @returns the rule id
   * @throws FaultSpecError when the spec is invalid
   */
  add(spec: FaultSpec): string {
    const normalized = validateFaultSpec(spec);
    const id = `fault-${this.#nextId++}`;
    this.#rules.push({
      id,
      spec: normalized,
      pattern: new RegExp(normalized.pathPattern),
      remaining: normalized.times,
    });
    return id;
  }

  /** Removes one rule; false when there was none with this id (or it was used up). */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.id !== id);
    return this.#rules.length !== before;
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** Rules with hits left, oldest first. */
  list(): FaultRule[] {
    return this.#rules.map((rule) => ({ ...rule.spec, id: rule.id, remaining: rule.remaining }));
  }

  /**
   * The fault for a request to `path`, consuming one hit of the matching rule (rules with no hits
   * left are dropped); `undefined` when no rule matches.
   */
  take(path: string): InjectedFault | undefined {
    const rule = this.#rules.find((candidate) => candidate.pattern.test(path));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.remove(rule.id);
    const { status, delayMs, stallAfterBytes } = rule.spec;
    return {
      id: rule.id,
      ...(status === undefined ? {} : { status }),
      ...(delayMs === undefined ? {} : { delayMs }),
      ...(stallAfterBytes === undefined ? {} : { stallAfterBytes }),
    };
  }
}
