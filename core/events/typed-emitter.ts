/**
 * A minimal typed event emitter. Listener errors are caught and reported to `onListenerError` so a
 * faulty user callback can never break segment delivery.
 */

/** Maps event names to the payload type of their listeners. */
export type EventMap = Record<string, unknown>;

/** A listener for event `K` of map `M`. */
export type Listener<M extends EventMap, K extends keyof M> = (payload: M[K]) => void;

/** Typed publish/subscribe. */
export class TypedEmitter<M extends EventMap> {
  private readonly listeners = new Map<keyof M, Set<(payload: never) => void>>();

  /** @param onListenerError - called when a listener throws; defaults to `console.error` */
  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => {
      console.error('p2p-media-loader: event listener threw', error);
    },
  ) {}

  /** Subscribes `listener` to `event`. Returns a function that unsubscribes it. */
  on<K extends keyof M>(event: K, listener: Listener<M, K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      this.off(event, listener);
    };
  }

  /** Unsubscribes `listener` from `event`. */
  off<K extends keyof M>(event: K, listener: Listener<M, K>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event` with `payload`, in subscription order. */
  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M, K>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** True when `event` has at least one listener. */
  hasListeners(event: keyof M): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  /** Removes every listener. */
  removeAllListeners(): void {
    this.listeners.clear();
  }
}
