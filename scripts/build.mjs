// Builds the package: dist/server (ESM, what `bin`, `npm start` and the image run) and dist/cjs (CommonJS, for
// require() and jest). The CommonJS build also compiles the ESM-only dependencies to CommonJS under dist/cjs/vendor,
// because jest (and Node before 20.19) cannot require() an ES module; a new ESM-only dependency fails the build here
// rather than in a user's jest run. `--skip-without-typescript` (the prepare script) steps aside on `npm ci --omit=dev`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CJS = join(ROOT, 'dist', 'cjs');
const VENDOR = join(CJS, 'vendor');
const BARE_REQUIRE = /\brequire\("([^".][^"]*)"\)/g;

const fail = (message) => {
  console.error(`build: ${message}`);
  process.exit(1);
};

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function manifest(name) {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(file)) fail(`dependency ${name} is not installed`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The file an `import` of the package's root loads. */
function importEntry(pkg) {
  let target = pkg.exports === undefined ? pkg.module ?? pkg.main ?? 'index.js' : pkg.exports;
  if (typeof target === 'object' && !Array.isArray(target) && '.' in target) target = target['.'];
  while (typeof target === 'object' && target !== null) target = target.import ?? target.node ?? target.default;
  if (typeof target !== 'string') fail(`cannot find the ESM entry of ${pkg.name}`);
  return target.replace(/^\.\//, '');
}

const isEsmOnly = (pkg) => pkg.type === 'module' || /\.mjs$/.test(importEntry(pkg));

function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (/\.c?js$/.test(entry.name)) yield path;
  }
}

/** Compiles the package's entry and every file it imports relatively; returns the entry's path in the vendor folder. */
function vendor(name) {
  const pkg = manifest(name);
  const source = join(ROOT, 'node_modules', name);
  const target = join(VENDOR, name);
  const pending = [importEntry(pkg)];
  const done = new Set();
  while (pending.length > 0) {
    const file = pending.pop();
    if (done.has(file)) continue;
    done.add(file);
    const text = readFileSync(join(source, file), 'utf8');
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec.startsWith('.')) pending.push(join(dirname(file), spec));
      else if (!isBuiltin(spec)) fail(`${name} imports ${spec}; vendor it too or find a CommonJS-ready release`);
    }
    const { outputText } = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: file });
    mkdirSync(dirname(join(target, file)), { recursive: true });
    writeFileSync(join(target, file), outputText);
  }
  const license = readdirSync(source).find((f) => /^licen[cs]e/i.test(f));
  if (license === undefined) fail(`${name} ships no license file to carry along`);
  copyFileSync(join(source, license), join(target, license));
  return join(target, importEntry(pkg));
}

const require = createRequire(import.meta.url);
let tscBin;
try {
  tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  if (!process.argv.includes('--skip-without-typescript')) fail('TypeScript is not installed: run `npm install` first');
  console.log('build: TypeScript is not installed (production install), so dist/ is left as it is');
  process.exit(0);
}
const ts = require('typescript');

rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  try {
    execFileSync(process.execPath, [tscBin, '-p', join(ROOT, project)], { stdio: 'inherit' });
  } catch {
    fail(`tsc -p ${project} failed`);
  }
}
writeFileSync(join(CJS, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const entries = new Map();
for (const file of jsFiles(join(CJS, 'server'))) {
  const code = readFileSync(file, 'utf8');
  const rewritten = code.replace(BARE_REQUIRE, (call, spec) => {
    if (isBuiltin(spec)) return call;
    const name = packageName(spec);
    if (!isEsmOnly(manifest(name))) return call;
    if (spec !== name) fail(`${relative(ROOT, file)} requires ${spec}: only the root of an ESM-only package can be vendored`);
    if (!entries.has(name)) entries.set(name, vendor(name));
    const path = relative(dirname(file), entries.get(name)).split(sep).join('/');
    return `require(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)})`;
  });
  if (rewritten !== code) writeFileSync(file, rewritten);
}
console.log(`build: dist/server (ESM) and dist/cjs (CommonJS${entries.size > 0 ? `, with ${[...entries.keys()].join(' and ')} compiled to CommonJS` : ''})`);
