// `npm run build` writes the bundled transform into the template; `--check` (run by `npm test`) only
// compares, so a template that no longer matches lambda/ fails instead of being silently rewritten.
import { readFile, writeFile } from 'node:fs/promises';
import { bundleLambda, templatePath, withInlineCode } from './lambda-bundle.mjs';

const check = process.argv.includes('--check');
try {
  const template = await readFile(templatePath, 'utf8');
  const updated = withInlineCode(template, await bundleLambda());
  if (updated === template) process.exit(0);
  if (check) {
    console.error(
      'cfn/pipeline.yaml does not hold the current lambda/ code: run `npm run build` and commit the template.',
    );
    process.exit(1);
  }
  await writeFile(templatePath, updated);
  console.error('embedded lambda/ into cfn/pipeline.yaml');
} catch (error) {
  console.error(`embedding the Lambda failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
