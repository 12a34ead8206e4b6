/**
 * Module-level state that outlives a screen (caches, timers, the realtime socket) registers here
 * how to go back to how it started. The app never calls `resetModuleState`: the web tests' setup
 * does after every test (test-support/setup.ts, which also resets every Zustand store), so that no
 * test sees what an earlier one left behind and none has to remember which modules keep state.
 * A registration is all it costs production.
 */
const resets = new Set<() => void>();

export function registerReset(reset: () => void): void {
  resets.add(reset);
}

export function resetModuleState(): void {
  for (const reset of resets) reset();
}
