// The scenario registry: `npm run bench` runs these in order (opt-in ones only when named with --only).
// Add a scenario by writing bench/scenarios/<name>.ts exporting a Scenario and listing it here.
import type { Scenario } from '../scenario.js';
import { coldStartScenario } from './cold-start.js';
import { endToEndScenario } from './end-to-end.js';
import { eventTemplateScenario } from './event-template.js';
import { producerScenario } from './producer.js';
import { producerLimitsScenario } from './producer-limits.js';
import { soakScenario } from './soak.js';
import { transformScenario } from './transform.js';
import { wizardScenario } from './wizard.js';
import { wizardOutputScenario } from './wizard-output.js';

export const SCENARIOS: Scenario[] = [
  producerScenario,
  producerLimitsScenario,
  eventTemplateScenario,
  transformScenario,
  endToEndScenario,
  wizardScenario,
  wizardOutputScenario,
  coldStartScenario,
  soakScenario,
];
