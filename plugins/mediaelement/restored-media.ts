/**
 * The page's `<video>`/`<audio>` that MediaElement gives back on `remove()`, kept from loading.
 *
 * MediaElement 7's `remove()` sets the source URL as `src` on the player's node (by then the
 * renderer's `<video>`, a clone of the page's that still carries its `autoplay` attribute, since
 * MediaElement's `delete node.autoplay` removes nothing), then puts a clone of that node back in the
 * player's place. A browser that plays HLS itself (Safari, Chromium 14x+) then loads and plays the
 * stream natively, over HTTP and without P2P, in the detached node and in the clone, for a player
 * the page just removed: in the MediaElement live bench the origin served 9.4 MB in the 10 s after
 * six viewers ended (issue 17). Both elements keep their source, so the page can still play the
 * restored one; they only wait for the page (or the viewer) to ask: no autoplay, `preload="none"`.
 */

/** No autoplay, no preload: the element loads once something calls `play()` or `load()`. */
function quiet(media: Element): void {
  media.removeAttribute('autoplay');
  media.setAttribute('preload', 'none');
}

/** The media elements under `root` now. */
function mediaElementsUnder(root: ParentNode): HTMLMediaElement[] {
  return Array.from(root.querySelectorAll<HTMLMediaElement>('video, audio'));
}

/**
 * Call right before MediaElement's `remove()`: quiets the player's `node` (the `<video>` MediaElement
 * is about to set the source on) and notes the media elements around `container` (the player's
 * `.mejs__container`). The returned function, called right after `remove()` in the same task
 * (before the browser starts a load), quiets the media elements that appeared there and returns
 * them.
 */
export function quietMediaOnRemove(
  node: Element | undefined,
  container: HTMLElement | undefined,
): () => Element[] {
  if (node instanceof HTMLMediaElement) quiet(node);
  const parent = container?.parentNode;
  if (!parent) return () => [];
  const before = new Set(mediaElementsUnder(parent));
  return () => {
    const restored = mediaElementsUnder(parent).filter((media) => !before.has(media));
    for (const media of restored) quiet(media);
    return restored;
  };
}
