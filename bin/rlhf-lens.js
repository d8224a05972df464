#!/usr/bin/env node
'use strict';
// Entry point of the `rlhf-lens` command; the bundle is built by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'server', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('rlhf-lens: the CLI is not built yet; run "npm run build" first.\n');
  process.exit(2);
}
require(cli);
