// Detects the tslab kernel and hands out its display functions; outside a notebook there are none.
import type { Display } from 'tslab';

interface TslabModule {
  display: Display;
  newDisplay(): Display;
}

let cached: TslabModule | null | undefined;

/** tslab's display module when this code runs inside a tslab cell, else null. */
export function tslabDisplay(): TslabModule | null {
  if (cached !== undefined) return cached;
  cached = null;
  // The kernel sets process.argv[1] to its own entry point; only then load tslab (it is heavy).
  const inKernel = process.argv.some((a) => /tslab/.test(a)) || process.env.VI_FORCE_NOTEBOOK === '1';
  if (inKernel) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const jupyter = require('tslab/dist/jupyter');
      if (jupyter.lastWriteDisplayData != null) cached = require('tslab') as TslabModule;
    } catch {
      cached = null;
    }
  }
  return cached;
}

/** True inside a tslab notebook cell. */
export function inNotebook(): boolean {
  return tslabDisplay() !== null;
}
