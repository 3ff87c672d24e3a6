// Which named profiles the shared AWS config files hold. The SDK answers an unknown profile with the same
// "Could not load credentials from any providers" as no credentials at all; knowing the names lets us say
// which of the two it is.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Profile names in an ini file: `[name]` in credentials, `[profile name]` (or `[default]`) in config. */
export function profileNames(ini: string, kind: 'config' | 'credentials'): string[] {
  const names: string[] = [];
  for (const line of ini.split(/\r?\n/)) {
    const match = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (!match?.[1]) continue;
    const section = match[1];
    if (kind === 'credentials') names.push(section);
    else if (section === 'default') names.push('default');
    else if (section.startsWith('profile ')) names.push(section.slice('profile '.length).trim());
  }
  return names;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface SharedConfigFiles {
  configPath: string;
  credentialsPath: string;
  profiles: Set<string>;
}

/** The profiles defined in the user's shared config and credentials files, where the SDK looks for them. */
export function sharedProfiles(env: NodeJS.ProcessEnv = process.env): SharedConfigFiles {
  const home = env.HOME ?? homedir();
  const configPath = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  return {
    configPath,
    credentialsPath,
    profiles: new Set([
      ...profileNames(read(configPath), 'config'),
      ...profileNames(read(credentialsPath), 'credentials'),
    ]),
  };
}
