import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../support/duration.js';
import { parseDurationRange } from '../support/duration-range.js';
import { loadSchemaFile } from '../support/schema-files.js';
import { unsafePatternReason } from './safe-pattern.js';
import type { GatewayFault, Scenario } from '../model/scenario.js';

const addFormats = _addFormats as unknown as typeof _addFormats.default;

export class ScenarioError extends Error {}

// Scenario files are JSON or YAML (the same structure).
const SCENARIO_FILE = /\.(json|ya?ml)$/;

type RawFault = { delay?: string | number } & Omit<GatewayFault, 'delayMs' | 'delayMaxMs'>;

interface RawScenario {
  name: string;
  description?: string;
  enabled?: boolean;
  match?: Scenario['match'];
  effects: {
    initiate?: RawFault;
    faults?: Record<string, RawFault | RawFault[]>;
    expiry?: string | number;
    outcome?: { action?: 'pay' | 'fail' | 'expire'; sequence?: ('pay' | 'fail' | 'expire')[]; after?: string | number };
    openVaTransfer?: { amount: number; after?: string | number };
    callback?: { delay?: string | number } & Omit<NonNullable<Scenario['effects']['callback']>, 'delayMs'>;
  };
}

const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv, ['regex']);
const validateFile = ajv.compile(loadSchemaFile('scenario.json') as object);

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  const extra = error.keyword === 'additionalProperties' ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : '';
  const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${where}: ${error.message ?? 'is invalid'}${extra}${allowed}`;
}

/** The most useful error of a failed anyOf: the deepest one. */
function deepest(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0]!;
}

/** A fault block with its delay (one duration or a range) in milliseconds. */
function toFault({ delay, ...rest }: RawFault, where: string): GatewayFault {
  if (delay === undefined) return rest;
  const range = parseDurationRange(delay, parseDuration);
  if (!range) throw new ScenarioError(`${where}.delay: the range ${JSON.stringify(delay)} runs backwards; write the shorter time first, e.g. 200ms..2s`);
  return { ...rest, delayMs: range.minMs, ...(range.maxMs === undefined ? {} : { delayMaxMs: range.maxMs }) };
}

function toScenario(raw: RawScenario, source: string): Scenario {
  const ms = (value: string | number | undefined) => (value === undefined ? undefined : parseDuration(value) ?? undefined);
  const { initiate, faults, expiry, outcome, openVaTransfer, callback } = raw.effects;
  const scenario: Scenario = {
    name: raw.name,
    enabled: raw.enabled ?? true,
    match: raw.match ?? {},
    effects: {},
    source,
  };
  if (raw.description !== undefined) scenario.description = raw.description;
  const where = `scenario "${raw.name}" effects`;
  if (initiate) scenario.effects.initiate = toFault(initiate, `${where}.initiate`);
  if (faults) {
    scenario.effects.faults = Object.fromEntries(Object.entries(faults).map(([operation, steps]) =>
      [operation, [steps].flat().map((step, i) => toFault(step, `${where}.faults.${operation}${Array.isArray(steps) ? `[${i}]` : ''}`))]));
  }
  if (expiry !== undefined) scenario.effects.expiryMs = ms(expiry);
  if (outcome) {
    // The schema asks for action or sequence; a sequence starts with its first action.
    const action = outcome.sequence?.[0] ?? outcome.action!;
    scenario.effects.outcome = { action, afterMs: ms(outcome.after) ?? 0, ...(outcome.sequence ? { sequence: outcome.sequence } : {}) };
  }
  if (openVaTransfer) scenario.effects.openVaTransfer = { amount: openVaTransfer.amount, afterMs: ms(openVaTransfer.after) ?? 0 };
  if (callback) {
    const { delay, ...rest } = callback;
    scenario.effects.callback = { ...rest, ...(delay === undefined ? {} : { delayMs: ms(delay) }) };
  }
  return scenario;
}

const PATTERN_FIELDS = ['orderId', 'email', 'phone'] as const;

/** Refuses a pattern that could stall the event loop on some input (a catastrophic-backtracking one). */
function checkPatterns(raw: RawScenario): void {
  for (const field of PATTERN_FIELDS) {
    const pattern = raw.match?.[field];
    const reason = pattern === undefined ? null : unsafePatternReason(pattern);
    if (reason) throw new ScenarioError(`scenario "${raw.name}" match.${field}: the pattern ${JSON.stringify(pattern)} ${reason}, so it could take too long to match; simplify it`);
  }
}

/** Validates scenario JSON (a file's content or a control API body) and returns its scenarios. */
export function parseScenarios(data: unknown, source: string): Scenario[] {
  if (!validateFile(data)) throw new ScenarioError(describe(deepest(validateFile.errors ?? [])));
  const list: RawScenario[] = Array.isArray(data) ? data : 'scenarios' in (data as object) ? (data as { scenarios: RawScenario[] }).scenarios : [data as RawScenario];
  list.forEach(checkPatterns);
  return list.map((raw) => toScenario(raw, source));
}

/** Every `*.json`, `*.yaml` and `*.yml` file in the folders, in name order; a bad file is one ScenarioError naming file and path. */
export function loadScenarioFolders(folders: string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const folder of folders) {
    let files: string[];
    try {
      if (!statSync(folder).isDirectory()) throw new Error('not a folder');
      files = readdirSync(folder).filter((f) => SCENARIO_FILE.test(f)).sort();
    } catch (err) {
      throw new ScenarioError(`--scenarios / FINNET_MOCK_SCENARIOS: cannot read scenario folder ${folder} (${(err as Error).message})`);
    }
    for (const file of files) {
      const path = join(folder, file);
      const shown = relative(process.cwd(), path) || path;
      let data: unknown;
      try {
        const text = readFileSync(path, 'utf8');
        data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      } catch (err) {
        throw new ScenarioError(`scenario file ${shown}: ${(err as Error).message}`);
      }
      try {
        scenarios.push(...parseScenarios(data, shown));
      } catch (err) {
        throw new ScenarioError(`scenario file ${shown}: ${(err as Error).message}`);
      }
    }
  }
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    const earlier = seen.get(s.name);
    if (earlier) throw new ScenarioError(`scenario file ${s.source}: scenario name "${s.name}" is already used in ${earlier}`);
    seen.set(s.name, s.source);
  }
  return scenarios;
}
