// `npm run openapi`: writes openapi/*.json from the builder (test/openapi.test.ts fails while they differ).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openApiFiles } from '../server/control/openapi.js';
import { PACKAGE_ROOT } from '../server/support/paths.js';

for (const { file, text } of openApiFiles()) {
  mkdirSync(dirname(join(PACKAGE_ROOT, file)), { recursive: true });
  writeFileSync(join(PACKAGE_ROOT, file), text);
  console.log(`wrote ${file}`);
}
