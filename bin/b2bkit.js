#!/usr/bin/env node
// The b2bkit command. The sources are TypeScript; ts-node compiles them on load (transpile only:
// `npm test` type-checks the whole tree with tsc, so the CLI need not pay for it at every start).
'use strict';
const path = require('node:path');

require('ts-node').register({
  transpileOnly: true,
  project: path.join(__dirname, '..', 'tsconfig.json'),
});

const { main } = require('../cli/main');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`b2bkit: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
