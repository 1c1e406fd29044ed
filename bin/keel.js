#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (the `prepare` script runs tsc).
import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));
