// Long diffusion Monte Carlo runs for lecture 13: each shipped guiding function of data/fk at three
// time steps (each from its own population), extrapolated to tau -> 0, beside the variational
// energy of the same psi and the reference. Writes data/dmc/results.json.
// Usage: npm run dmc -- [--systems bosons-N2-g6,h2-R1.4] [--walkers 500] [--time 80]
// Few walkers over a long time rather than many over a short one: the blocked error needs blocks
// longer than the correlation time of the energy (a fraction of a unit of imaginary time).
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../lib/core/tf';
import { initBackend } from '../lib/core/backend';
import { Key, normal } from '../lib/core/random';
import {
  H2_ENERGY_R14,
  PUBLISHED_BOSON_ENERGIES_G6,
  disposeWalkers,
  dmcAtTimeSteps,
  estimateLocalEnergy,
  loadShippedWaveFunction,
  malaSteps,
  twoBosonEnergy,
  walkers,
} from '../lib/fk';
import { parseArgs } from './args';

/** Time steps and MALA step per kind of system: Coulomb cusps need shorter steps than the trap. */
const SETTINGS = {
  bosons: { taus: [0.04, 0.02, 0.01], malaTau: 0.1 },
  h2: { taus: [0.02, 0.01, 0.005], malaTau: 0.2 },
};

function reference(meta: Record<string, any>): { value: number; source: string } | undefined {
  if (meta.system === 'H2' && meta.R === 1.4) return { value: H2_ENERGY_R14, source: 'Kołos and Wolniewicz (1968)' };
  if (meta.particles === 2) return { value: twoBosonEnergy(meta.g, meta.s), source: 'finite differences (twoBosonEnergy)' };
  const published = meta.g === 6 ? PUBLISHED_BOSON_ENERGIES_G6[meta.particles] : undefined;
  return published === undefined ? undefined : { value: published, source: 'Mujal et al., finite basis (QuaRL table)' };
}

async function main() {
  const args = parseArgs({
    systems: 'bosons-N2-g1,bosons-N2-g2,bosons-N2-g4,bosons-N2-g6,bosons-N3-g6,bosons-N4-g6,h2-R1.4',
    walkers: '500', time: '80', equilibration: '2', seed: '1', out: 'data/dmc/results.json',
  });
  const backend = await initBackend();
  const key = Key.fromSeed(Number(args.seed));
  const results = [];
  for (const [i, system] of args.systems.split(',').entries()) {
    const dir = path.join('data/fk', system);
    if (!fs.existsSync(dir)) {
      console.log(`skipping ${system}: no ${dir}`);
      continue;
    }
    const { model, potential, meta } = loadShippedWaveFunction(dir);
    const settings = meta.system === 'H2' ? SETTINGS.h2 : SETTINGS.bosons;
    const k = key.foldIn(i);
    // the variational energy of the same psi: exact local energy over psi^2
    const r0 = normal(k.foldIn(0), [Number(args.walkers), potential.particles * potential.dim]) as tf.Tensor2D;
    const warm = malaSteps(k.foldIn(1), model, walkers(model, r0), settings.malaTau, 100, true).walkers;
    const variational = estimateLocalEnergy(k.foldIn(2), model, potential, warm.r, { tau: settings.malaTau, burnIn: 0, samples: 100, thin: 2 });
    r0.dispose();
    disposeWalkers(warm);
    const dmc = await dmcAtTimeSteps(k.foldIn(3), model, potential, settings.taus, {
      walkers: Number(args.walkers), time: Number(args.time), equilibrationTime: Number(args.equilibration), malaTau: settings.malaTau, progress: 'lines',
    });
    const ref = reference(meta);
    results.push({ system, potential: potential.name, variational: { mean: variational.mean, stderr: variational.stderr }, ...dmc, reference: ref });
    console.log(`${system}: variational ${variational.mean.toFixed(5)} ± ${variational.stderr.toFixed(5)}; DMC tau -> 0 ` +
      `${dmc.limit.intercept.toFixed(5)} ± ${dmc.limit.interceptStderr.toFixed(5)}` + (ref ? `; reference ${ref.value}` : ''));
    tf.dispose(model.variables);
  }
  const record = {
    script: 'scripts/run-dmc.ts', command: ['npm run dmc', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '), backend,
    walkers: Number(args.walkers), time: Number(args.time), equilibrationTime: Number(args.equilibration), seed: Number(args.seed), results,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(record, null, 1) + '\n');
  console.log(`wrote ${args.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
