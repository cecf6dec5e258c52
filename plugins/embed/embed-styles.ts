/**
 * The embed's stylesheet: Video.js's own CSS (shipped inside the bundle as text, so users add a
 * script tag and nothing else) plus the few rules the embed's containers need. Injected once per
 * page, first in `<head>` so the page's own rules win over it.
 */
import videoJsCss from 'video.js/dist/video-js.min.css';

/** Id of the `<style>` element; also how a second copy of the bundle knows the CSS is there. */
export const EMBED_STYLE_ID = 'p2pml-embed-styles';

/** Class of the message box listing an element's ignored attributes (see embedded-players.ts). */
export const EMBED_NOTICE_CLASS = 'p2pml-embed-notice';

/**
 * Rules for the element operators write (a block as wide as its parent, the player inside fluid)
 * and for the notice: readable on any page, whatever the page's own fonts and colours.
 */
const CONTAINER_CSS =
  '[data-p2p-player]{display:block;position:relative;width:100%}' +
  `.${EMBED_NOTICE_CLASS}{box-sizing:border-box;margin:0;padding:.5em .75em;` +
  'font:13px/1.4 system-ui,sans-serif;color:#4a3500;background:#fff4d0;' +
  'border:1px solid #d9b44a;border-top:0;word-break:break-word}';

/** Adds the stylesheet to `document` unless it is there already. */
export function injectEmbedStyles(document: Document): void {
  if (document.getElementById(EMBED_STYLE_ID) !== null) return;
  const style = document.createElement('style');
  style.id = EMBED_STYLE_ID;
  style.textContent = `${videoJsCss}\n${CONTAINER_CSS}`;
  const head = document.head as HTMLHeadElement | null;
  const parent = head ?? document.documentElement;
  parent.insertBefore(style, parent.firstChild);
}
