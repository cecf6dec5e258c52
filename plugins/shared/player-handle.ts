/**
 * The operator's handle a plugin exposes on its player (e.g. `player.p2p`): the session's public
 * half, whose `destroy()` also detaches the plugin from its player (listeners, overlay, buttons).
 */
import type { P2PPlayerHandle, P2PPlayerSession } from './contract.js';

/**
 * The handle of `session`; `destroy()` calls `release`, which must destroy the session.
 *
 * @param session - the player's session
 * @param release - removes the plugin's player listeners and destroys the session
 */
export function playerHandleOf(session: P2PPlayerSession, release: () => void): P2PPlayerHandle {
  return {
    get engineKind() {
      return session.engineKind;
    },
    get overlay() {
      return session.overlay;
    },
    getStats: () => session.getStats(),
    on: (event, listener) => session.on(event, listener),
    off: (event, listener) => {
      session.off(event, listener);
    },
    destroy: release,
  };
}
