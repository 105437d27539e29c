// Every test file runs on the same backend the lectures use (VI_BACKEND overrides).
import { beforeAll } from 'vitest';
import { initBackend } from '../lib/core/backend';

beforeAll(async () => {
  await initBackend({ quiet: true });
});
