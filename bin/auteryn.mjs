#!/usr/bin/env node
// The installed `auteryn` command: the CLI is TypeScript, run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli/main.ts');
