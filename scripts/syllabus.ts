// The order of the lectures, with room for those still to come; the book's index is built from it.
export interface SyllabusEntry {
  part: string;
  number: string;
  title: string;
  /** notebook file name without .ipynb, once the lecture exists */
  notebook?: string;
}

const VI = 'I. Variational inference and latent-variable models';
const DISCRETE = 'II. Discrete latents, compression and sensing';
const SEQUENCES = 'III. Flows, sequences and attention';
const PHYSICS = 'IV. Machine learning for physics';
const NETWORKS = 'V. Networks and behaviour';

export const SYLLABUS: SyllabusEntry[] = [
  {
    part: VI,
    number: '1',
    title: 'The ELBO, the reparameterization trick and the VAE',
    notebook: '01-elbo-and-vae',
  },
  {
    part: VI,
    number: '2',
    title: 'Helmholtz machines, wake-sleep, reweighted wake-sleep and IWAE',
  },
  {
    part: VI,
    number: '3',
    title: 'Posterior collapse and its remedies',
    notebook: '03-posterior-collapse',
  },
  { part: VI, number: '4', title: 'Interpretable decoders: the oi-VAE and group sparsity' },
  { part: DISCRETE, number: '5', title: 'Discrete latents: VQ-VAE', notebook: '05-vq-vae' },
  { part: DISCRETE, number: '5, part 2', title: 'Hierarchical VQ-VAE and VAE-GAN' },
  { part: DISCRETE, number: '6', title: 'Compressed sensing with uncertainty autoencoders' },
  { part: DISCRETE, number: '7', title: 'Bits-back coding with ANS', notebook: '07-bits-back' },
  {
    part: SEQUENCES,
    number: '8',
    title: 'Normalizing flows, Markov-chain VAEs and SDEs',
    notebook: '08-normalizing-flows',
  },
  { part: SEQUENCES, number: '9', title: 'Sequences and predictive coding' },
  { part: SEQUENCES, number: '10', title: 'Attention and the Transformer' },
  {
    part: PHYSICS,
    number: '11',
    title: 'Feynman–Kac drift learning of ground states',
    notebook: '11-feynman-kac',
  },
  {
    part: PHYSICS,
    number: '12',
    title: 'Feynman–Kac, part 2: the H2 molecule',
    notebook: '12-h2-molecule',
  },
  { part: PHYSICS, number: '13', title: 'Branching Feynman–Kac: diffusion Monte Carlo' },
  {
    part: NETWORKS,
    number: '14',
    title: 'Deep neural networks as Gaussian processes',
    notebook: '14-nngp',
  },
  { part: NETWORKS, number: '15', title: 'The lottery ticket hypothesis' },
  {
    part: NETWORKS,
    number: '16',
    title: 'Psychometric curves, lapses and exploration',
    notebook: '16-lapses',
  },
];
