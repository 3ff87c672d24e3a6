#!/usr/bin/env node
// Entry: arguments -> wizard or command. The wizard and the commands land in later work; until then this
// says what the project holds so far, so `npm start` is honest about it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate } from './template/parse.js';

const templatePath = fileURLToPath(new URL('../../cfn/pipeline.yaml', import.meta.url));
const template = parseTemplate(readFileSync(templatePath, 'utf8'));
const resources = Object.entries(template.Resources ?? {});
process.stdout.write(
  [
    'kinesis-tui: the wizard is not built yet. What is here now:',
    `  cfn/pipeline.yaml: ${resources.length} resources`,
    ...resources.map(([id, r]) => `    ${id.padEnd(22)} ${r.Type}`),
    '  lambda/: the Firehose transform, embedded in the template by `npm run build`',
    '',
  ].join('\n'),
);
