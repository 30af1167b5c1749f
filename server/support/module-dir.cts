// CommonJS in both builds, so that the ESM build and the CJS build (no import.meta there) learn their folder alike.
export const MODULE_DIR = __dirname;
