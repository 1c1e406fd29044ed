import { alertsCommand } from '../../src/cli/alerts.js';
import { storeCommand } from '../../src/cli/store.js';
import { formatError, KeelError } from '../../src/errors.js';

/**
 * `keel alerts` and `keel store` run from the sources (node --import tsx),
 * with the CLI's way of reporting errors (src/cli/main.ts): alerts is not
 * registered in main.ts yet, and the sources need no build first.
 */
const [verb, ...args] = process.argv.slice(2);
const command = [alertsCommand, storeCommand].find((c) => c.name === verb);
if (command === undefined) throw new Error(`alerts-cli runs alerts or store, not ${verb}`);
try {
  process.exitCode = await command.run(args);
} catch (error) {
  if (!(error instanceof KeelError)) throw error;
  process.stderr.write(`keel: ${formatError(error)}\n`);
  process.exitCode = error.exitCode;
}
