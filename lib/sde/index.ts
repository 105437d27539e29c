export * from './euler-maruyama';
export * from './markov-chain-vae';
