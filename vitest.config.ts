import { configDefaults, defineConfig } from 'vitest/config';

// `npm test`: everything except the slow reliability runs, which `npm run test:stress` owns.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, 'test/stress/**'] },
});
