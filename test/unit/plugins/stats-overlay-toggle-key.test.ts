import {
  isTypingTarget,
  matchesToggleKey,
  parseToggleKey,
  type KeyEventLike,
} from '../../../plugins/shared/stats-overlay/toggle-key.js';

const key = (init: Partial<KeyEventLike> & { key: string }): KeyEventLike => ({
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  repeat: false,
  ...init,
});

describe('overlay toggle key', () => {
  it('parses modifiers and key case-insensitively', () => {
    expect(parseToggleKey('Shift+P')).toEqual({
      key: 'p',
      shift: true,
      alt: false,
      ctrl: false,
      meta: false,
    });
    expect(parseToggleKey('ctrl + alt + s')).toMatchObject({ key: 's', ctrl: true, alt: true });
    expect(parseToggleKey('F2')).toMatchObject({ key: 'f2', shift: false });
  });

  it('rejects strings without a key or with unknown modifiers', () => {
    expect(parseToggleKey('')).toBeUndefined();
    expect(parseToggleKey('Shift+')).toBeUndefined();
    expect(parseToggleKey('Shift')).toBeUndefined();
    expect(parseToggleKey('Hyper+P')).toBeUndefined();
  });

  it('matches Shift+P with exactly Shift held, in either letter case, not auto-repeated', () => {
    const shortcut = parseToggleKey('Shift+P');
    if (!shortcut) throw new Error('Shift+P did not parse');
    expect(matchesToggleKey(key({ key: 'P', shiftKey: true }), shortcut)).toBe(true);
    expect(matchesToggleKey(key({ key: 'p', shiftKey: true }), shortcut)).toBe(true);
    expect(matchesToggleKey(key({ key: 'p' }), shortcut)).toBe(false);
    expect(matchesToggleKey(key({ key: 'P', shiftKey: true, ctrlKey: true }), shortcut)).toBe(
      false,
    );
    expect(matchesToggleKey(key({ key: 'P', shiftKey: true, repeat: true }), shortcut)).toBe(false);
  });

  it('treats text fields and editable content as typing, buttons and the page as not', () => {
    const element = (tagName: string, extra: object = {}) => ({ tagName, ...extra }) as never;
    expect(isTypingTarget(element('INPUT', { type: 'text' }))).toBe(true);
    expect(isTypingTarget(element('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(element('DIV', { isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(element('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTypingTarget(element('BUTTON'))).toBe(false);
    expect(isTypingTarget(element('VIDEO'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
