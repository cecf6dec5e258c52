/**
 * The overlay's stylesheet: one `<style>` per document, shared by every overlay in it and removed
 * with the last one. Every selector starts with the root class, so nothing applies outside the
 * overlay; the properties the page could plausibly restyle (fonts, margins, button looks) are set
 * explicitly so the page's own rules do not reshape the overlay either.
 */

/** Root class of every overlay; all other classes are `${OVERLAY_CLASS}__part`. */
export const OVERLAY_CLASS = 'p2pml-overlay';

/**
 * Add to `overlay.element` to hide the overlay's own toggle button, for players that put a toggle
 * in their control bar (the keyboard shortcut and `show()`/`hide()` keep working).
 */
export const OVERLAY_EXTERNAL_TOGGLE_CLASS = `${OVERLAY_CLASS}--external-toggle`;

const STYLE_ELEMENT_ID = `${OVERLAY_CLASS}-styles`;
const root = `.${OVERLAY_CLASS}`;

// Colours: light text on a dark translucent panel (contrast > 7:1 against the panel itself,
// whatever the video shows behind it); HTTP amber and P2P green, distinguishable with the usual
// colour-vision deficiencies and labelled in text as well.
const CSS = `
${root}{position:absolute;z-index:10;display:flex;flex-direction:column;gap:4px;max-width:calc(100% - 16px);
pointer-events:auto;font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#f5f5f5;
text-align:left;letter-spacing:normal;text-transform:none;box-sizing:border-box}
${root} *{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}
${root}--top-left{top:8px;left:8px;align-items:flex-start}
${root}--top-right{top:8px;right:8px;align-items:flex-end}
${root}--bottom-left{bottom:8px;left:8px;align-items:flex-start;flex-direction:column-reverse}
${root}--bottom-right{bottom:8px;right:8px;align-items:flex-end;flex-direction:column-reverse}
${root} ${root}__toggle{appearance:none;cursor:pointer;border:1px solid rgba(255,255,255,.5);
border-radius:4px;background:rgba(0,0,0,.7);padding:2px 8px;font-weight:600;line-height:1.5;opacity:.75}
${root} ${root}__toggle:hover,${root} ${root}__toggle[aria-expanded="true"]{opacity:1}
${root} ${root}__toggle:focus-visible,${root} ${root}__panel:focus-visible{outline:2px solid #8ab4ff;outline-offset:2px;opacity:1}
${root}.${OVERLAY_EXTERNAL_TOGGLE_CLASS} ${root}__toggle{display:none}
${root} ${root}__panel{width:232px;max-width:100%;padding:8px 10px;border-radius:6px;background:rgba(0,0,0,.8)}
${root} ${root}__panel[hidden]{display:none}
${root} ${root}__title{font-weight:600;margin-bottom:4px}
${root} ${root}__stats{display:grid;grid-template-columns:auto 1fr;column-gap:10px;row-gap:1px}
${root} ${root}__stats dd{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
${root} ${root}__chart{display:block;width:100%;height:48px;margin-top:6px;background:rgba(255,255,255,.08);border-radius:3px}
${root} ${root}__legend{display:flex;flex-wrap:wrap;justify-content:space-between;column-gap:8px;margin-top:2px;font-variant-numeric:tabular-nums;white-space:nowrap}
${root} ${root}__swatch{display:inline-block;width:8px;height:8px;margin-right:4px;border-radius:2px;vertical-align:baseline}
${root} ${root}__swatch--http{background:#f0a830}
${root} ${root}__swatch--p2p{background:#3ccf7a}
`;

/** Documents' style elements and how many overlays use each. */
const users = new WeakMap<Document, { element: HTMLStyleElement; count: number }>();

/** Number of overlays alive in `doc` (the shortcut uses it: a sole overlay answers page-wide keys). */
export function overlayCount(doc: Document): number {
  return users.get(doc)?.count ?? 0;
}

/**
 * Makes sure `doc` has the overlay stylesheet; returns the function that gives the reference back
 * (idempotent), removing the `<style>` with the last one.
 */
export function acquireOverlayStyles(doc: Document): () => void {
  let entry = users.get(doc);
  if (!entry) {
    const element = doc.createElement('style');
    element.id = STYLE_ELEMENT_ID;
    element.textContent = CSS;
    doc.head.appendChild(element);
    entry = { element, count: 0 };
    users.set(doc, entry);
  }
  entry.count += 1;
  const held = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.count -= 1;
    if (held.count === 0) {
      held.element.remove();
      users.delete(doc);
    }
  };
}
