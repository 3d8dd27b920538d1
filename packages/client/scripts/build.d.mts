/** Types of packages/client/scripts/build.mjs, for the tests that drive it. */
export declare function generateTypes(): Promise<string>;
export declare function writeTypes(): Promise<boolean>;
export declare function buildClient(options?: { outdir?: string; declarations?: boolean }): Promise<void>;
