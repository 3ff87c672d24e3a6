// Names and ids as CloudFormation makes them: stack and change set ARNs, and the physical names it
// generates for resources a template leaves unnamed (`<stack>-<LogicalId>-<RANDOM>`).
import { randomInt, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomSuffix(length = 13): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
  return text;
}

export function stackArn(region: string, accountId: string, stackName: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`;
}

export function changeSetArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:changeSet/${name}/${randomUUID()}`;
}

export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

/**
 * `<stack>-<LogicalId>-<RANDOM>`, shortened to fit the type's limit the way CloudFormation does: the stack
 * name and the logical id are cut, the random part kept whole so names stay unique.
 */
export function physicalName(
  stackName: string,
  logicalId: string,
  { maxLength = 128, lowercase = false }: { maxLength?: number; lowercase?: boolean } = {},
): string {
  const suffix = randomSuffix(maxLength >= 40 ? 13 : 12);
  let room = maxLength - suffix.length - 2;
  let stack = stackName;
  let logical = logicalId;
  if (stack.length + logical.length > room) {
    // Share the room between the two, the stack name getting at most half.
    const stackRoom = Math.min(stack.length, Math.max(1, Math.floor(room / 2)));
    stack = stack.slice(0, stackRoom);
    room -= stack.length;
    logical = logical.slice(0, Math.max(1, room));
  }
  const name = `${stack}-${logical}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}
