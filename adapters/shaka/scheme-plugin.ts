/**
 * The `http:`/`https:` scheme plugin. Shaka registers scheme plugins globally, not per player, so
 * one plugin serves every player on the page: a player's adapter tags the requests it wants served
 * by its engine (in its request filter, where Shaka gives the segment context) and the plugin hands
 * those to that adapter. Every other request (manifests, playlists, init segments, keys, licences,
 * text, other players' requests) goes to Shaka's own HTTP plugin unchanged.
 */
import type {
  ShakaAbortableOperation,
  ShakaNamespace,
  ShakaProgressUpdated,
  ShakaRequest,
  ShakaResponse,
  ShakaSchemePlugin,
} from './shaka-types.js';

/** Serves one tagged request; the adapter that tagged it implements this. */
export type TaggedRequestHandler = (
  uri: string,
  request: ShakaRequest,
  requestType: number,
  progressUpdated: ShakaProgressUpdated,
  /** Sends the request with Shaka's own HTTP plugin instead (e.g. the adapter was destroyed). */
  sendOverHttp: () => ShakaAbortableOperation<ShakaResponse>,
) => ShakaAbortableOperation<ShakaResponse>;

/** Where the tag lives on a request object (a symbol: invisible to Shaka and to JSON). */
const HANDLER = Symbol('p2p-media-loader handler');

interface TaggedRequest extends ShakaRequest {
  [HANDLER]?: TaggedRequestHandler;
}

/** Marks `request` as one `handler` serves (called from a request filter). */
export function tagRequest(request: ShakaRequest, handler: TaggedRequestHandler): void {
  (request as TaggedRequest)[HANDLER] = handler;
}

/** Shaka's default HTTP plugin in this build: fetch when available, else XHR. */
export function defaultHttpPlugin(shaka: ShakaNamespace): ShakaSchemePlugin {
  const { HttpFetchPlugin, HttpXHRPlugin } = shaka.net;
  if (HttpFetchPlugin?.isSupported()) return HttpFetchPlugin.parse;
  if (HttpXHRPlugin) return HttpXHRPlugin.parse;
  throw new Error('Shaka has no HTTP plugin');
}

/** Installations per `shaka` namespace: the plugin stays while any adapter uses it. */
const installations = new WeakMap<ShakaNamespace, { users: number }>();

/**
 * Registers the plugin for `http` and `https` in `shaka` (once per namespace) and returns the
 * function that releases this use; the last release restores Shaka's default HTTP plugin.
 */
export function installSchemePlugin(shaka: ShakaNamespace): () => void {
  const { NetworkingEngine } = shaka.net;
  let installation = installations.get(shaka);
  if (!installation) {
    const fallback = defaultHttpPlugin(shaka);
    const plugin: ShakaSchemePlugin = (uri, request, requestType, progress, headers, config) => {
      const handler = (request as TaggedRequest)[HANDLER];
      const sendOverHttp = (): ShakaAbortableOperation<ShakaResponse> =>
        fallback(uri, request, requestType, progress, headers, config);
      return handler ? handler(uri, request, requestType, progress, sendOverHttp) : sendOverHttp();
    };
    // Progress support off: Shaka would otherwise arm its connection timer for engine loads,
    // which report no HTTP-style progress (their bytes may come from peers).
    for (const scheme of ['http', 'https']) {
      NetworkingEngine.registerScheme(
        scheme,
        plugin,
        NetworkingEngine.PluginPriority.APPLICATION,
        false,
      );
    }
    installation = { users: 0 };
    installations.set(shaka, installation);
  }
  installation.users += 1;
  let released = false;
  const current = installation;
  return () => {
    if (released) return;
    released = true;
    current.users -= 1;
    if (current.users > 0) return;
    installations.delete(shaka);
    const fallback = defaultHttpPlugin(shaka);
    // Shaka keeps the highest priority registration; re-registering its own plugin at the same
    // priority replaces ours.
    for (const scheme of ['http', 'https']) {
      NetworkingEngine.registerScheme(
        scheme,
        fallback,
        NetworkingEngine.PluginPriority.APPLICATION,
        true,
      );
    }
  };
}
