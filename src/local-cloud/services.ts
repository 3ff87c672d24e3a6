// Every service of the local cloud, by SigV4 signing name.
import type { Service } from './service.js';
import { createStsService } from './sts/service.js';

export function createServices(): Service[] {
  return [createStsService()];
}
