import type * as Zustand from 'zustand';

/**
 * Every Zustand store goes back to its initial state after each test, as Zustand's testing guide
 * does it: setup.ts mocks `zustand` with this `create`, which makes the store as usual and
 * remembers its initial state. Stores need no registration and tests no `setState` of their own
 * to start clean (they still set what they need). Subscriptions stay: a reset is a `setState`.
 */
const storeResets = new Set<() => void>();

export function resetStores(): void {
  for (const reset of storeResets) reset();
}

export function withResets(zustand: typeof Zustand): typeof Zustand {
  const createRemembered = <T>(initializer: Zustand.StateCreator<T>) => {
    const store = zustand.create<T>()(initializer);
    const initial = store.getInitialState();
    storeResets.add(() => store.setState(initial, true));
    return store;
  };
  // `create(initializer)` and the curried `create<T>()(initializer)` both come here.
  const create = <T>(initializer?: Zustand.StateCreator<T>) =>
    initializer ? createRemembered(initializer) : createRemembered;
  return { ...zustand, create: create as unknown as typeof zustand.create };
}
