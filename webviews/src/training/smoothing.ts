/**
 * The smoothing slider re-smooths the already-downsampled points with the engine's own function
 * (server/src/analysis/smoothing.ts), so the view and the engine treat every point, non-finite ones
 * included, the same way. A drawing aid: the engine's statistics never depend on it.
 */
export { smoothPoints as smooth } from '../../../server/src/analysis/smoothing';
