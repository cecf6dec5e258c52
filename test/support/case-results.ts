/**
 * Results of scenarios a test file starts together in `beforeAll` and several tests then assert on:
 * playing every viewer at once is much faster than one after another, and each test awaits only its
 * own scenario, so one failing viewer fails only its own tests.
 */
import { settle, unwrap, type Settled } from './wait.js';

/** The settled results of a file's scenarios, by case. */
export class CaseResults<Case, Result> {
  private readonly results = new Map<string, Promise<Settled<Result>>>();

  /** @param nameOf - a case's unique name (also used in error messages) */
  constructor(private readonly nameOf: (scenario: Case) => string) {}

  /** Starts `run` for every case at once; call from `beforeAll`. */
  start(cases: readonly Case[], run: (scenario: Case) => Promise<Result>): void {
    for (const scenario of cases) this.results.set(this.nameOf(scenario), settle(run(scenario)));
  }

  /** The result of `scenario`; rejects with its error when it failed. */
  async of(scenario: Case): Promise<Result> {
    const result = this.results.get(this.nameOf(scenario));
    if (result === undefined) throw new Error(`no scenario started for ${this.nameOf(scenario)}`);
    return unwrap(await result);
  }
}
