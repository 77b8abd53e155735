/** Writes docs/CONFIGURATION.md from the settings schemas (`pnpm docs:config`). */
import { writeFileSync } from 'node:fs';
import { configurationDocPath, renderConfigurationDoc } from './configuration-doc.ts';

writeFileSync(configurationDocPath, renderConfigurationDoc());
process.stdout.write(`wrote ${configurationDocPath}\n`);
