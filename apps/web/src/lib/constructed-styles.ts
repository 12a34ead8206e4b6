/**
 * Styles a library generates at runtime, applied through a constructed stylesheet (CSSOM) rather
 * than a `<style>` element: the Content-Security-Policy (`style-src 'self'`, no 'unsafe-inline')
 * blocks inline `<style>` elements but not CSSOM. vite.config.ts routes emoji-picker-react's style
 * tag here.
 */
const sheets = new Map<string, { sheet: CSSStyleSheet; text: string }>();

export function adoptStyleText(key: string, css: string): void {
  if (typeof document === 'undefined' || typeof CSSStyleSheet === 'undefined') return;
  let entry = sheets.get(key);
  if (!entry) {
    entry = { sheet: new CSSStyleSheet(), text: '' };
    sheets.set(key, entry);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, entry.sheet];
  }
  if (entry.text !== css) {
    entry.sheet.replaceSync(css);
    entry.text = css;
  }
}
