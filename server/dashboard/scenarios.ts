import express, { type Router } from 'express';
import { objectOf } from '../support/json.js';
import type { Scenario } from '../model/scenario.js';
import { describeCallbackBehaviour } from '../callbacks/faults.js';
import type { Dashboard } from './render.js';
import { faultWords } from './fault-words.js';

/** `{callback: {failFirst: 2}}` → `["callback.failFirst: 2"]`: any shape of match or effects, readable in a cell. */
function flatten(value: unknown, prefix = ''): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [`${prefix}: ${typeof value === 'string' ? value : JSON.stringify(value)}`];
}

/** The effects as chips: callback effects in words (what each does to the callback), the others as `path: value`. */
function effectsOf(scenario: Scenario): string[] {
  const { callback, initiate: _initiate, faults: _faults, outcome, ...rest } = scenario.effects;
  // Gateway faults and an outcome sequence in words (fault-words.ts); a plain outcome as its path and value.
  const others = outcome && !outcome.sequence ? { ...rest, outcome } : rest;
  return [...faultWords(scenario), ...flatten(others), ...(callback ? describeCallbackBehaviour(callback).map((words) => `callback: ${words}`) : [])];
}

interface ScenarioRow {
  scenario: Scenario;
  match: string[];
  effects: string[];
}

/** `/scenarios`: file and runtime scenarios in matching order (first match wins), each switchable on and off. */
export function scenarioPage(dash: Dashboard): Router {
  const router = express.Router();
  const { scenarios } = dash.ctx;

  router.get('/scenarios', (req, res) => {
    const rows: ScenarioRow[] = scenarios.all().map((scenario) => ({ scenario, match: flatten(scenario.match), effects: effectsOf(scenario) }));
    dash.render(req, res, 'scenarios', { title: 'Scenarios', section: 'scenarios' }, { rows });
  });

  router.post('/scenarios/enabled', (req, res) => {
    const body = objectOf(req.body) ?? {};
    const name = typeof body.name === 'string' ? body.name : '';
    const enabled = body.enabled === 'true';
    const scenario = scenarios.setEnabled(name, enabled);
    dash.redirect(res, '/scenarios', scenario
      ? { kind: 'ok', text: `Scenario "${name}" ${enabled ? 'enabled' : 'disabled'}.` }
      : { kind: 'error', text: `There is no scenario "${name}" (a runtime scenario may have been removed).` });
  });
  return router;
}
