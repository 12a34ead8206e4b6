import { registerReset } from '../../lib/resets';

/**
 * The notification sound: two short soft tones made with WebAudio (no file to fetch, nothing for
 * the CSP to allow). Browsers keep an AudioContext made without a click suspended, so the context
 * is made (or resumed) from a click: turning the sound on, or any click on the page later.
 */
let context: AudioContext | null = null;
registerReset(() => {
  void context?.close().catch(() => {});
  context = null;
});

function audio(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  context ??= new AudioContext();
  return context;
}

/** Call from a click: lets later chimes play. */
export function unlockSound(): void {
  const ctx = audio();
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => {});
}

export function playChime(): void {
  const ctx = audio();
  if (!ctx || ctx.state !== 'running') return;
  const start = ctx.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1320],
  ] as const) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.12, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.3);
  }
}
