/**
 * The overlay's keyboard shortcut: parsing `'Shift+P'`-style strings and matching key events.
 * Pure functions of their inputs, apart from reading the event target's element type.
 */

/** A parsed shortcut: the key (lower case) and the modifiers that must be held, exactly. */
export interface ToggleKey {
  readonly key: string;
  readonly shift: boolean;
  readonly alt: boolean;
  readonly ctrl: boolean;
  readonly meta: boolean;
}

/** Default shortcut (the contract's `OverlayOptions.toggleKey`). */
export const DEFAULT_TOGGLE_KEY = 'Shift+P';

const MODIFIERS = new Set(['shift', 'alt', 'ctrl', 'control', 'meta', 'cmd']);

/**
 * Parses `'Shift+P'`, `'Alt+Shift+S'`, `'F2'`... (case-insensitive; `+` separates modifiers from
 * the key, which comes last). Returns undefined for strings without a key (`''`, `'Shift+'`).
 */
export function parseToggleKey(text: string): ToggleKey | undefined {
  const parts = text.split('+').map((part) => part.trim().toLowerCase());
  const key = parts.pop();
  if (!key || MODIFIERS.has(key) || parts.some((part) => !MODIFIERS.has(part))) return undefined;
  const has = (...names: string[]): boolean => parts.some((part) => names.includes(part));
  return {
    key,
    shift: has('shift'),
    alt: has('alt'),
    ctrl: has('ctrl', 'control'),
    meta: has('meta', 'cmd'),
  };
}

/** The key-event fields matching reads (a `KeyboardEvent` has them all). */
export type KeyEventLike = Pick<
  KeyboardEvent,
  'key' | 'shiftKey' | 'altKey' | 'ctrlKey' | 'metaKey' | 'repeat'
>;

/** Whether `event` is the shortcut: same key (case-insensitive), same modifiers, not auto-repeat. */
export function matchesToggleKey(event: KeyEventLike, shortcut: ToggleKey): boolean {
  return (
    !event.repeat &&
    event.key.toLowerCase() === shortcut.key &&
    event.shiftKey === shortcut.shift &&
    event.altKey === shortcut.alt &&
    event.ctrlKey === shortcut.ctrl &&
    event.metaKey === shortcut.meta
  );
}

/** Whether typing into `target` must not trigger shortcuts (text fields, editable content). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = target as Partial<HTMLElement> | null;
  if (!element || typeof element.tagName !== 'string') return false;
  if (element.isContentEditable === true) return true;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag !== 'input') return false;
  const type = (element as HTMLInputElement).type;
  // Buttons and checkboxes take no text; a shortcut there is meant for the page.
  return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file'].includes(
    type,
  );
}
