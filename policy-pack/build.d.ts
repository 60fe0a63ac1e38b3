/** Types of `build.js` (plain JavaScript: it runs before any TypeScript can be loaded). */

/** The folder of the pack that holds its builds, one `<digest>/` each. */
export declare const BUILD_DIR: string;

/**
 * The pack's TypeScript sources and those of the shared conventions beside it (`../conventions/...`),
 * relative to `packDir`, sorted (no node_modules, builds or dot folders).
 */
export declare function sourceFiles(packDir: string): string[];

/** The digest naming the build of the pack's current sources, tsconfig, package.json and compiler. */
export declare function sourceDigest(packDir: string): string;

/** Where a build rooted at `outDir` holds the pack's own files (`<outDir>/<pack folder name>`). */
export declare function packOutDir(outDir: string, packDir: string): string;

/**
 * The entry file (`bin/<digest>/<pack folder name>/index.js`) of the build of the current sources, compiled by
 * `compile` (default: `tsc -p tsconfig.json` from the pack's parent folder) into a staging folder first when it does not exist.
 */
export declare function ensureBuilt(
  packDir: string,
  compile?: (packDir: string, outDir: string) => void,
): string;
