// Models a notebook cell builds and keeps for later cells: when the reader runs the cell again, the
// previous models are disposed before the new ones are made, so re-running frees what it replaces.

const held = new Map<string, { value: unknown; dispose: (value: unknown) => void }>();

/** Disposes what was last kept under `name` (if anything), then makes, keeps and returns a new value. */
export function replacing<T>(name: string, make: () => T, dispose: (value: T) => void): T {
  const previous = held.get(name);
  if (previous) {
    held.delete(name);
    previous.dispose(previous.value);
  }
  const value = make();
  held.set(name, { value, dispose: dispose as (value: unknown) => void });
  return value;
}
