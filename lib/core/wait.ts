// Blocking until another thread has written a value into a shared Int32Array.

/**
 * Blocks until words[index] === value. Each Atomics.wait is given the value just read, so a write
 * between the read and the wait wakes it at once; `while (load() !== v) Atomics.wait(w, i, load())`
 * reads twice, and a write between the two reads left it asleep until its timeout.
 * `timeoutMs` bounds each sleep, not the whole wait.
 */
export function waitForValue(words: Int32Array, index: number, value: number, timeoutMs?: number): void {
  for (let seen = Atomics.load(words, index); seen !== value; seen = Atomics.load(words, index)) Atomics.wait(words, index, seen, timeoutMs);
}
