// Types for start.mjs (a plain ESM script, so `npm start` needs no TypeScript loader).
export declare const BUILD_OUTPUTS: string[];
/** Newest mtime (ms) of a file or of any file under a directory (node_modules, dot entries skipped); 0 if absent. */
export declare function newestMtime(path: string): number;
export declare function buildNeeded(root?: string): 'missing' | 'stale' | null;
export declare function electronUnavailableReason(o?: { env?: NodeJS.ProcessEnv; platform?: string; resolvePackage?: (id: string) => string }): string | null;
export declare function explain(reason: string): string;
export declare function main(argv: string[]): Promise<number>;
