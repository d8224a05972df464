/** The product version, injected by esbuild from package.json (falls back when run from source). */
declare const __RLHF_LENS_VERSION__: string | undefined;
export const VERSION: string = typeof __RLHF_LENS_VERSION__ === 'string' ? __RLHF_LENS_VERSION__ : '0.0.0-dev';
