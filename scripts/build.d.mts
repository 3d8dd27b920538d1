/** Types of scripts/build.mjs, for the tests that drive it. */
export declare const entryPoints: Record<string, string>;
export declare function buildService(options?: { outdir?: string; force?: boolean }): Promise<boolean>;
