import { readFileSync } from 'node:fs';
import { formatError, KeelError, UsageError } from '../core/errors.js';
import { alertsCommand } from './alerts.js';
import { automlCommand } from './automl.js';
import type { Command } from './command.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { keysCommand } from './keys.js';
import { modelsCommand } from './models.js';
import { monitorCommand } from './monitor.js';
import { predictCommand } from './predict.js';
import { profileCommand } from './profile.js';
import { reportCommand } from './report.js';
import { retrainCommand } from './retrain.js';
import { runsCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { storeCommand } from './store.js';
import { trainCommand } from './train.js';
import { watchCommand } from './watch.js';
import '../serve/loaders.js';

/** Every command, in the order `keel --help` lists them. */
export const COMMANDS: readonly Command[] = [
  profileCommand,
  trainCommand,
  automlCommand,
  retrainCommand,
  reportCommand,
  runsCommand,
  modelsCommand,
  storeCommand,
  alertsCommand,
  serveCommand,
  predictCommand,
  monitorCommand,
  watchCommand,
  keysCommand,
  exportCommand,
  importCommand,
];

export async function main(argv: string[]): Promise<void> {
  // `keel models show x --json | head`: the reader left, which is no error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    process.exitCode = await dispatch(args);
  } catch (error) {
    process.exitCode = reportError(error, debug);
  }
}

async function dispatch(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(generalHelp());
    return 0;
  }
  if (verb === '--version' || verb === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === verb);
  if (command === undefined) {
    throw new UsageError('usage.unknown-command', `unknown command "${verb}"`, {
      hint: `the commands are: ${COMMANDS.map((c) => c.name).join(', ')} (keel --help)`,
    });
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

/** User mistakes: one or two lines and exit 2. Bugs: a short line, the stack with --debug, exit 1. */
function reportError(error: unknown, debug: boolean): number {
  if (error instanceof KeelError) {
    process.stderr.write(`keel: ${formatError(error)}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`keel: internal error: ${message}\n`);
  process.stderr.write(
    debug && error instanceof Error ? `${error.stack}\n` : '  (run again with --debug for details)\n',
  );
  return 1;
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `keel ${version()} — from a table to a monitored model`,
    '',
    'Usage: keel COMMAND [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command:',
    '  --help     show the command’s options',
    '  --debug    show the stack trace of an error',
    '',
  ].join('\n');
}

function version(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
