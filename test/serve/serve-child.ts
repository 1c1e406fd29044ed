// `keel serve ARGS…` from the sources, as bin/keel.js runs it from dist/ (the tests need no build).
import { serveCommand } from '../../src/cli/serve.js';
import { formatError, KeelError } from '../../src/core/errors.js';

serveCommand.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`keel: ${error instanceof KeelError ? formatError(error) : String(error)}\n`);
    process.exitCode = error instanceof KeelError ? error.exitCode : 1;
  },
);
