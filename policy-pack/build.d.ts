/** Types of `build.js` (plain JavaScript: it runs before any TypeScript can be loaded). */

/** The folder of the pack that holds its builds, one `<digest>/` each. */
export declare const BUILD_DIR: string;

/** The pack's TypeScript sources, relative to `packDir`, sorted (no node_modules, builds or dot folders). */
export declare function sourceFiles(packDir: string): string[];

/** The digest naming the build of the pack's current sources, tsconfig, package.json and compiler. */
export declare function sourceDigest(packDir: string): string;

/**
 * The entry file (`bin/<digest>/index.js`) of the build of the current sources, compiled by
 * `compile` (default: `tsc -p tsconfig.json`) into a staging folder first when it does not exist.
 */
export declare function ensureBuilt(
  packDir: string,
  compile?: (packDir: string, outDir: string) => void,
): string;
