/**
 * The node a MediaElement renderer plays into, built the way MediaElement's own MSE renderers build
 * theirs (renderers/hls.js, renderers/dash.js): a clone of the page's `<video>` next to it, with a
 * `get<Prop>`/`set<Prop>` pair per media property and its media events re-dispatched on
 * MediaElement's stand-in node, which is what the player's controls listen to.
 */
import type { MediaElementLike, MejsNamespace, RendererNode } from './mediaelement-types.js';

/** What the renderer decides for the node. */
export interface RendererNodeHooks {
  /** The player set a new source (`src` property / `setSrc`). */
  setSource(value: unknown): void;
  /** The current source URL (what `getSrc()` returns). */
  currentSource(): string | null;
  /** Called once by `destroy()` (the player's `remove()`), after events stop being forwarded. */
  destroy(): void;
  /** Called by `hide()`: MediaElement switched to another renderer. */
  hidden(): void;
}

function capitalised(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/**
 * Clones `mediaElement.originalNode` into a renderer node with id `<mediaElement id>_<prefix>`,
 * inserts it before the original (which is hidden) and wires it to MediaElement.
 */
export function createRendererNode(
  mejs: MejsNamespace,
  mediaElement: MediaElementLike,
  prefix: string,
  hooks: RendererNodeHooks,
): RendererNode {
  const original = mediaElement.originalNode;
  const node = original.cloneNode(true) as RendererNode;
  // The clone must not start a native load of the manifest (the browser cannot play it without
  // MSE and would fire an `error`): the renderer attaches MSE itself.
  node.removeAttribute('src');
  for (const child of Array.from(node.querySelectorAll('source'))) child.remove();
  node.id = `${mediaElement.id}_${prefix}`;

  const forward = (event: Event): void => {
    mediaElement.dispatchEvent(mejs.Utils.createEvent(event.type, mediaElement));
  };
  // `error` is reported by the renderer through MediaElement's error path instead (one message).
  const events = [...mejs.html5media.events, 'click', 'mouseover', 'mouseout'].filter(
    (name) => name !== 'error',
  );
  for (const name of events) node.addEventListener(name, forward);

  const members = node as unknown as Record<string, unknown>;
  const properties = node as unknown as Record<string, unknown>;
  for (const property of mejs.html5media.properties) {
    const name = capitalised(property);
    members[`get${name}`] = () =>
      property === 'src' ? hooks.currentSource() : (properties[property] ?? null);
    members[`set${name}`] = (value: unknown) => {
      if (mejs.html5media.readOnlyProperties.includes(property)) return;
      if (property === 'src') hooks.setSource(value);
      else properties[property] = value;
    };
  }

  node.setSize = (width, height) => {
    node.style.width = typeof width === 'number' ? `${width}px` : width;
    node.style.height = typeof height === 'number' ? `${height}px` : height;
    return node;
  };
  node.hide = () => {
    node.pause();
    node.style.display = 'none';
    hooks.hidden();
    return node;
  };
  node.show = () => {
    node.style.display = '';
    return node;
  };
  let destroyed = false;
  node.destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const name of events) node.removeEventListener(name, forward);
    hooks.destroy();
  };

  original.parentNode?.insertBefore(node, original);
  original.autoplay = false;
  original.style.display = 'none';
  return node;
}
