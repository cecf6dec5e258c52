/**
 * The operator's handle both Flowplayer lines expose (`api.p2p` / `player.p2p`): the session's
 * public half, whose `destroy()` also detaches the plugin from its player.
 */
import type { P2PPlayerHandle, P2PPlayerSession } from '../shared/index.js';

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
