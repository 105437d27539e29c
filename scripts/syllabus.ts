// The order of the lectures, with room for those still to come; the book's index is built from it.
export interface SyllabusEntry {
  part: string;
  number: string;
  title: string;
  /** notebook file name without .ipynb, once the lecture exists */
  notebook?: string;
  /** the name of the figure that stands for the lecture in the index and the README */
  headline?: string;
}

const VI = 'I. Variational inference and latent-variable models';
const DISCRETE = 'II. Discrete latents, compression and sensing';
const SEQUENCES = 'III. Flows, sequences and attention';
const PHYSICS = 'IV. Machine learning for physics';
const NETWORKS = 'V. Networks and behaviour';

const lecture = (
  part: string,
  number: string,
  title: string,
  notebook?: string,
  headline?: string,
) => ({ part, number, title, notebook, headline });

export const SYLLABUS: SyllabusEntry[] = [
  lecture(
    VI,
    '1',
    'The ELBO, the reparameterization trick and the VAE',
    '01-elbo-and-vae',
    'latent-map',
  ),
  lecture(
    VI,
    '2',
    'Helmholtz machines, wake-sleep, reweighted wake-sleep and IWAE',
    '02-helmholtz-machines',
    'explaining-away',
  ),
  lecture(
    VI,
    '3',
    'Posterior collapse and its remedies',
    '03-posterior-collapse',
    'rate-distortion',
  ),
  lecture(
    VI,
    '4',
    'Interpretable decoders: the oi-VAE and group sparsity',
    '04-oi-vae',
    'bars-connectivity',
  ),
  lecture(DISCRETE, '5', 'Discrete latents: VQ-VAE', '05-vq-vae', 'vq-training'),
  lecture(DISCRETE, '5, part 2', 'Hierarchical VQ-VAE and VAE-GAN', '05b-hierarchical-vq-vae', 'figure-7'),
  lecture(
    DISCRETE,
    '6',
    'Compressed sensing with uncertainty autoencoders',
    '06-uncertainty-autoencoders',
    'error-vs-m',
  ),
  lecture(DISCRETE, '7', 'Bits-back coding with ANS', '07-bits-back', 'message-length'),
  lecture(
    SEQUENCES,
    '8',
    'Normalizing flows, Markov-chain VAEs and SDEs',
    '08-normalizing-flows',
    'densities-1',
  ),
  lecture(
    SEQUENCES,
    '9',
    'Sequences and predictive coding',
    '09-sequences-and-predictive-coding',
    'elbo-ledger',
  ),
  lecture(SEQUENCES, '10', 'Attention and the Transformer', '10-attention', 'distance-24'),
  lecture(
    PHYSICS,
    '11',
    'Feynman–Kac drift learning of ground states',
    '11-feynman-kac',
    'boson-energies',
  ),
  lecture(PHYSICS, '12', 'Feynman–Kac, part 2: the H2 molecule', '12-h2-molecule', 'h2-bond-curve'),
  lecture(
    PHYSICS,
    '13',
    'Branching Feynman–Kac: diffusion Monte Carlo',
    '13-diffusion-monte-carlo',
    'four-bosons',
  ),
  lecture(NETWORKS, '14', 'Deep neural networks as Gaussian processes', '14-nngp', 'clt'),
  lecture(NETWORKS, '15', 'The lottery ticket hypothesis', '15-lottery-tickets', 'ladder'),
  lecture(NETWORKS, '16', 'Psychometric curves, lapses and exploration', '16-lapses', 'two-models'),
  lecture(
    NETWORKS,
    '17',
    'Lapses, part 2: multisensory trials and uncertainty-guided exploration',
    '17-multisensory-lapses',
    'multisensory-rats',
  ),
];
