#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEFAULT_MERCHANT, helpText, loadConfig } from './config.js';
import { conformanceCommand } from './conformance/command.js';
import type { Config } from './model/config.js';
import { startInstance, type Instance } from './instance.js';
import { cassetteToScenarios } from './recording/to-scenarios.js';
import { ScenarioError } from './scenarios/loader.js';
import { StoreError } from './store/store.js';
import { createLogger } from './support/logger.js';
import { PACKAGE_ROOT } from './support/paths.js';

function fatal(message: string): never {
  process.stderr.write(`finnet-mock: ${message}\n`);
  process.exit(1);
}

function banner(config: Config, url: string, publicUrl: string): string {
  const merchants = config.merchants.map((m) => {
    // The docs' example key is public; a key you chose is yours, so only its ends are shown.
    const key = m.id === DEFAULT_MERCHANT.id && m.key === DEFAULT_MERCHANT.key ? m.key : `${m.key.slice(0, 2)}…${m.key.slice(-2)}`;
    return `    ${m.id}:${key}    Authorization: Basic ${m.key === key ? Buffer.from(`${m.id}:${m.key}`).toString('base64') : '(base64 of id:key)'}`;
  });
  return [
    `finnet-mock listening on ${url}`,
    `  gateway      ${publicUrl}/pg/payment/card/initiate`,
    `  dashboard    ${publicUrl}/`,
    `  health       ${publicUrl}/_mock/health`,
    `  data file    ${config.db}`,
    '  merchants',
    ...merchants,
    '',
  ].join('\n');
}

/**
 * Under this package's `npm start` (which execs node, so npm's SIGTERM reaches it) the simulator also stops
 * when npm itself is gone without a word (SIGKILL, a crash): it would otherwise go on holding the port.
 */
function whileNpmRuns(stop: () => void): void {
  if (process.env.npm_lifecycle_event !== 'start' || process.env.npm_package_name !== 'finnet-mock') return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    stop();
  }, 500);
  watch.unref();
}

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(): Promise<void> {
  // A log that cannot be written (a full disk, a closed pipe) must not stop the simulator.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const argv = process.argv.slice(2);
  if (argv[0] === 'cassette-to-scenarios') return void (process.exitCode = cassetteToScenarios(argv.slice(1), process.stdout, process.stderr));
  if (argv[0] === 'conformance') {
    process.exitCode = await conformanceCommand(argv.slice(1), {
      startReference: (settings) => startInstance({ ...loadConfig([], {}), ...settings }, createLogger('silent')),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTty: process.stderr.isTTY === true,
    });
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) fatal(err.message);
    throw err;
  }
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  // Listening for signals before start-up: one that comes while the data file opens stops as soon as it is open.
  let instance: Instance | null = null;
  let requested: string | null = null;
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(130);
    if (!instance) {
      requested = signal;
      return;
    }
    logger.info(`${signal}: finishing in-flight requests and flushing the data file`);
    instance.stop().then(() => logger.flush()).then(() => process.exit(0), (err: Error) => fatal(`could not stop cleanly: ${err.message}`));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  whileNpmRuns(() => shutdown('npm start ended'));
  instance = await startInstance(config, logger).catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof StoreError || err instanceof ScenarioError) fatal(err.message);
    throw err;
  });
  process.stdout.write(banner(config, instance.url, instance.ctx.publicUrl()));
  if (requested) {
    signals = 0;
    shutdown(requested);
  }
}

main().catch((err: Error) => fatal(err.message));
