// Reads a Store (state kept outside React) with useSyncExternalStore: the screen re-renders when the store
// publishes a new snapshot, which the store's owner does on its own timer, never once per event.
import { useSyncExternalStore } from 'react';
import type { Store } from '../state/store.js';

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
