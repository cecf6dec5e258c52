/**
 * The Backbone-style event methods JW Player expects on a provider. JW's media controller subscribes
 * with `provider.on('all', listener, context)` and clears with `provider.off()`; an `'all'` listener
 * receives the event name and then the payload. JW's own providers get these methods from JW's
 * internal `Events` module; a provider registered from outside must bring its own (the old
 * `jwplayer(id).Events` accessor is deprecated), so this is a small independent implementation.
 */
import type { JWEventCallback, JWEventTarget } from './jwplayer-extensions.js';

interface Subscription {
  readonly callback: JWEventCallback;
  readonly context: unknown;
  readonly once: boolean;
}

/** Event name JW uses for "every event" listeners. */
const ALL = 'all';

/** Backbone-compatible `on`/`once`/`off`/`trigger` (no `listenTo`; JW does not call it on providers). */
export class ProviderEvents implements JWEventTarget {
  private readonly subscriptions = new Map<string, Subscription[]>();

  on(name: string, callback: JWEventCallback, context?: unknown): this {
    this.add(name, { callback, context, once: false });
    return this;
  }

  once(name: string, callback: JWEventCallback, context?: unknown): this {
    this.add(name, { callback, context, once: true });
    return this;
  }

  /** Without arguments removes everything; `null` arguments match any (Backbone semantics). */
  off(name?: string | null, callback?: JWEventCallback | null, context?: unknown): this {
    const names = name == null ? [...this.subscriptions.keys()] : [name];
    for (const key of names) {
      const kept = (this.subscriptions.get(key) ?? []).filter(
        (sub) =>
          (callback != null && sub.callback !== callback) ||
          (context !== undefined && sub.context !== context),
      );
      if (kept.length === 0) this.subscriptions.delete(key);
      else this.subscriptions.set(key, kept);
    }
    return this;
  }

  /** Calls `name` listeners with `args`, then `'all'` listeners with `(name, ...args)`. */
  trigger(name: string, ...args: unknown[]): this {
    this.dispatch(name, args);
    if (name !== ALL) this.dispatch(ALL, [name, ...args]);
    return this;
  }

  private add(name: string, subscription: Subscription): void {
    const list = this.subscriptions.get(name);
    if (list) list.push(subscription);
    else this.subscriptions.set(name, [subscription]);
  }

  private dispatch(name: string, args: unknown[]): void {
    const list = this.subscriptions.get(name);
    if (!list) return;
    // A copy: listeners may subscribe or unsubscribe while being called.
    for (const sub of [...list]) {
      if (sub.once) this.off(name, sub.callback, sub.context);
      (sub.callback as (...values: unknown[]) => void).apply(sub.context ?? this, args);
    }
  }
}
