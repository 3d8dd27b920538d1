#!/usr/bin/env node
// The `maas` command: the bundle `npm run build` writes (packages/client/scripts/build.mjs).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
