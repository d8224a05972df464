/** Seeded inputs for tests and benchmarks use the engine's own PRNG (mulberry32), so one implementation serves both. */
export { mulberry32 } from '../../server/src/analysis/stats/random';
