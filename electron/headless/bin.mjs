#!/usr/bin/env node
// `heartwire` command. Runs the TypeScript sources through tsx's loader so a fresh
// clone works right after `npm install`, with no separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
