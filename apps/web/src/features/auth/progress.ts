/**
 * Argon2id reports progress up to 10,000 times per derivation; a screen needs a change per whole
 * percent at most. Every report that reaches the page is a message from the worker and a state
 * update, so they are thinned out at the source (at most 101 per derivation).
 */
export function throttleProgress(onProgress: (fraction: number) => void): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === last) return;
    last = percent;
    onProgress(percent / 100);
  };
}
