// Runs in <head> before the first paint (a classic script: CSP script-src 'self' allows it; no
// inline script). Sets data-theme="light|dark" on <html> from this device's choice (localStorage
// 'herald.theme': 'light', 'dark', or absent for "follow the system") so that a dark page never
// flashes light. src/lib/preferences.ts keeps it current afterwards.
(function () {
  var theme = null;
  try {
    theme = window.localStorage.getItem('herald.theme');
  } catch (e) {
    theme = null;
  }
  if (theme !== 'light' && theme !== 'dark') {
    theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  document.documentElement.setAttribute('data-theme', theme);
})();
