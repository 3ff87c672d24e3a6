// IAM policy evaluation (IAM user guide, "Policy evaluation logic" and "IAM JSON policy elements"), pure:
// policy documents and a request's context in, Allow / explicit Deny / implicit deny out, with the
// statements that decided it. Identity policies apply to their caller; resource policies (a bucket
// policy) to the principals their Principal or NotPrincipal names. Any explicit Deny wins; else any Allow
// allows; else the request is implicitly denied. Used by S3 for bucket policies; usable for a role's own
// policies (what a service acting with the role may do).
//
// Not modelled: permissions boundaries, session policies, SCPs/RCPs, cross-account rules (a principal of
// another account needs both its identity policy and the resource policy); a caller evaluates those by
// combining decisions itself.

export type PolicyKind = 'identity' | 'resource';

/** The caller as policies see it. */
export interface Caller {
  /** `arn:aws:iam::<account>:root`, `...:user/<name>`, `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  account: string;
  /** For a role session: the role's ARN, which a Principal naming the role matches. */
  roleArn?: string;
  /** For an AWS service acting on its own (`firehose.amazonaws.com`): a Principal's Service matches it. */
  service?: string;
  canonicalUserId?: string;
  /** An unsigned request: only `*` principals match it. */
  anonymous?: boolean;
}

export type ContextValue = string | readonly string[];

export interface RequestContext {
  /** `service:Action`, e.g. `s3:GetObject`. */
  action: string;
  /** The resource's ARN. */
  resource: string;
  caller: Caller;
  /** Condition keys (names compared without regard to case) and their values; a list for a multivalued key. */
  keys: Readonly<Record<string, ContextValue | undefined>>;
}

export interface PolicyInput {
  /** The policy document: JSON text or parsed. */
  document: string | PolicyDocument;
  kind: PolicyKind;
  /** How the decision names the policy (its name or ARN). */
  name?: string;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement | Statement[];
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny' | string;
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export type PrincipalElement = '*' | Record<string, string | string[]>;

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface DecidingStatement {
  policy?: string;
  sid?: string;
  /** The statement's position in its policy. */
  index: number;
  effect: 'Allow' | 'Deny';
}

export interface Evaluation {
  decision: Decision;
  /** The Deny statements that matched (explicitDeny), or the Allow ones (allowed); none for implicitDeny. */
  statements: DecidingStatement[];
}

const asList = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

// ---------------------------------------------------------------------------------------------------------
// Wildcards and policy variables

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** `*` any run of characters, `?` any one; the rest literal. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c)))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** A context value as one string, for a policy variable; undefined when absent or multivalued. */
function single(keys: RequestContext['keys'], name: string): string | undefined {
  const value = lookup(keys, name);
  if (typeof value === 'string') return value;
  return undefined;
}

function lookup(keys: RequestContext['keys'], name: string): ContextValue | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(keys)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * A policy string with its variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`)
 * replaced, as Version 2012-10-17 defines them; undefined when a variable has no value and no default
 * (the string then matches nothing). Older versions take `${...}` literally.
 */
export function substituteVariables(
  text: string,
  keys: RequestContext['keys'],
  version?: string,
): string | undefined {
  if (version !== '2012-10-17' || !text.includes('${')) return text;
  let missing = false;
  const result = text.replace(/\$\{([^}]*)\}/g, (_all, inner: string) => {
    const special: Record<string, string> = { '*': '*', '?': '?', $: '$' };
    if (inner in special) return special[inner] as string;
    const [name = '', ...rest] = inner.split(',');
    const value = single(keys, name.trim());
    if (value !== undefined) return value;
    const fallback = /^\s*'(.*)'\s*$/.exec(rest.join(','));
    if (fallback) return fallback[1] ?? '';
    missing = true;
    return '';
  });
  return missing ? undefined : result;
}

// ---------------------------------------------------------------------------------------------------------
// Action, Resource, Principal

/** `service:Action` against `service:Pattern` (both parts without regard to case). */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  return wildcardMatch(pattern, action, true);
}

/**
 * An ARN against an ARN pattern: each of the first five colon-separated parts matched on its own
 * (wildcards do not cross a colon there), the resource part (which may hold colons) as a whole.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const split = (text: string) => {
    const parts = text.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const wanted = split(pattern);
  const actual = split(arn);
  if (
    wanted.length !== 6 ||
    actual.length !== 6 ||
    pattern.split(':').length < 6 ||
    arn.split(':').length < 6
  ) {
    return wildcardMatch(pattern, arn);
  }
  return wanted.every((part, i) => wildcardMatch(part, actual[i] ?? ''));
}

function resourceMatches(patterns: string[], context: RequestContext, version?: string): boolean {
  return patterns.some((raw) => {
    const pattern = substituteVariables(raw, context.keys, version);
    return pattern !== undefined && arnMatches(pattern, context.resource);
  });
}

/** Whether a Principal element names the caller. */
export function principalMatches(element: PrincipalElement | undefined, caller: Caller): boolean {
  if (element === undefined) return false;
  if (element === '*') return true;
  for (const [kind, raw] of Object.entries(element)) {
    for (const value of asList(raw)) {
      if (value === '*' && kind === 'AWS') return true;
      if (caller.anonymous) continue;
      if (kind === 'AWS') {
        // An account (its id or root ARN) names every principal of the account.
        const account =
          /^(\d{12})$/.exec(value)?.[1] ?? /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(value)?.[1];
        if (
          account !== undefined
            ? account === caller.account
            : value === caller.arn || value === caller.roleArn
        ) {
          return true;
        }
      } else if (kind === 'Service') {
        if (caller.service !== undefined && value === caller.service) return true;
      } else if (kind === 'CanonicalUser') {
        if (caller.canonicalUserId !== undefined && value === caller.canonicalUserId) return true;
      } else if (kind === 'Federated') {
        if (value === caller.arn) return true;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Conditions

type Matcher = (context: string, policy: string) => boolean;

function parseDate(value: string): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000; // epoch seconds
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function compareWith(
  parse: (value: string) => number | undefined,
  test: (a: number, b: number) => boolean,
): Matcher {
  return (context, policy) => {
    const a = parse(context);
    const b = parse(policy);
    return a !== undefined && b !== undefined && test(a, b);
  };
}

const parseNumber = (value: string) => {
  const number = Number(value.trim());
  return value.trim() === '' || Number.isNaN(number) ? undefined : number;
};

/** IPv4 or IPv6 text as a bigint and its width in bits. */
function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  const ip = text.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((sum, o) => (sum << 8n) + BigInt(o), 0n), bits: 32 };
  }
  if (!ip.includes(':')) return undefined;
  const [head = '', tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const missing = 8 - front.length - back.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const all = [...front, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...back];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return { value: all.reduce((sum, g) => (sum << 16n) + BigInt(Number.parseInt(g, 16)), 0n), bits: 128 };
}

/** An address within a CIDR block (a bare address is a block of one). */
export function ipInRange(address: string, block: string): boolean {
  const [base = '', prefixText] = block.split('/');
  const ip = parseIp(address);
  const network = parseIp(base);
  if (!ip || !network || ip.bits !== network.bits) return false;
  const prefix = prefixText === undefined ? network.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > network.bits) return false;
  const shift = BigInt(network.bits - prefix);
  return ip.value >> shift === network.value >> shift;
}

interface OperatorDefinition {
  match: Matcher;
  /** A negated operator is true when no policy value matches. */
  negated: boolean;
  /** Whether the policy's values take variables. */
  variables: boolean;
}

const OPERATORS: Record<string, OperatorDefinition> = {
  stringequals: { match: (c, p) => c === p, negated: false, variables: true },
  stringnotequals: { match: (c, p) => c === p, negated: true, variables: true },
  stringequalsignorecase: {
    match: (c, p) => c.toLowerCase() === p.toLowerCase(),
    negated: false,
    variables: true,
  },
  stringnotequalsignorecase: {
    match: (c, p) => c.toLowerCase() === p.toLowerCase(),
    negated: true,
    variables: true,
  },
  stringlike: { match: (c, p) => wildcardMatch(p, c), negated: false, variables: true },
  stringnotlike: { match: (c, p) => wildcardMatch(p, c), negated: true, variables: true },
  numericequals: { match: compareWith(parseNumber, (a, b) => a === b), negated: false, variables: false },
  numericnotequals: { match: compareWith(parseNumber, (a, b) => a === b), negated: true, variables: false },
  numericlessthan: { match: compareWith(parseNumber, (a, b) => a < b), negated: false, variables: false },
  numericlessthanequals: {
    match: compareWith(parseNumber, (a, b) => a <= b),
    negated: false,
    variables: false,
  },
  numericgreaterthan: { match: compareWith(parseNumber, (a, b) => a > b), negated: false, variables: false },
  numericgreaterthanequals: {
    match: compareWith(parseNumber, (a, b) => a >= b),
    negated: false,
    variables: false,
  },
  dateequals: { match: compareWith(parseDate, (a, b) => a === b), negated: false, variables: false },
  datenotequals: { match: compareWith(parseDate, (a, b) => a === b), negated: true, variables: false },
  datelessthan: { match: compareWith(parseDate, (a, b) => a < b), negated: false, variables: false },
  datelessthanequals: { match: compareWith(parseDate, (a, b) => a <= b), negated: false, variables: false },
  dategreaterthan: { match: compareWith(parseDate, (a, b) => a > b), negated: false, variables: false },
  dategreaterthanequals: {
    match: compareWith(parseDate, (a, b) => a >= b),
    negated: false,
    variables: false,
  },
  bool: { match: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false, variables: true },
  binaryequals: { match: (c, p) => c === p, negated: false, variables: false },
  ipaddress: { match: (c, p) => ipInRange(c, p), negated: false, variables: false },
  notipaddress: { match: (c, p) => ipInRange(c, p), negated: true, variables: false },
  arnequals: { match: (c, p) => arnMatches(p, c), negated: false, variables: true },
  arnlike: { match: (c, p) => arnMatches(p, c), negated: false, variables: true },
  arnnotequals: { match: (c, p) => arnMatches(p, c), negated: true, variables: true },
  arnnotlike: { match: (c, p) => arnMatches(p, c), negated: true, variables: true },
};

function policyValues(raw: unknown): string[] {
  return asList(raw as unknown[]).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

/**
 * One operator with one key. `ForAnyValue:` / `ForAllValues:` compare each of a multivalued key's values;
 * `...IfExists` holds when the key is absent; `Null` tests the key's absence alone.
 */
export function conditionHolds(
  operatorName: string,
  keyName: string,
  rawValues: unknown,
  keys: RequestContext['keys'],
  version?: string,
): boolean {
  const [qualifier, bare] = operatorName.includes(':')
    ? (operatorName.split(':', 2) as [string, string])
    : [undefined, operatorName];
  const values = policyValues(rawValues);
  const context = lookup(keys, keyName);
  const present = context !== undefined && !(Array.isArray(context) && context.length === 0);
  if (bare.toLowerCase() === 'null') {
    return values.some((value) => (value.toLowerCase() === 'true') === !present);
  }
  const ifExists = /IfExists$/i.test(bare);
  const definition = OPERATORS[(ifExists ? bare.slice(0, -'IfExists'.length) : bare).toLowerCase()];
  // A policy with an operator IAM does not know is refused when it is put; were one evaluated, its
  // condition would not hold.
  if (!definition) return false;
  const resolved = values.map((value) =>
    definition.variables ? substituteVariables(value, keys, version) : value,
  );
  // One context value against the policy's values: any match; a negated operator, no match.
  const test = (value: string) => {
    const matched = resolved.some((policy) => policy !== undefined && definition.match(value, policy));
    return definition.negated ? !matched : matched;
  };
  const set = qualifier?.toLowerCase();
  if (!present) {
    if (ifExists) return true;
    if (set === 'forallvalues') return true;
    if (set === 'foranyvalue') return false;
    return definition.negated;
  }
  const contextValues = asList(context);
  if (set === 'forallvalues') return contextValues.every(test);
  if (set === 'foranyvalue') return contextValues.some(test);
  // A single-valued operator on a multivalued key: any value that matches (for a negated one, none).
  return definition.negated ? contextValues.every(test) : contextValues.some(test);
}

/** Every operator and every key of a Condition block must hold. */
export function conditionsHold(
  condition: Statement['Condition'],
  keys: RequestContext['keys'],
  version?: string,
): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, tests]) =>
    Object.entries(tests ?? {}).every(([key, values]) =>
      conditionHolds(operator, key, values, keys, version),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Statements and policies

/** Whether a statement applies to the request (its effect aside). */
export function statementApplies(
  statement: Statement,
  kind: PolicyKind,
  context: RequestContext,
  version?: string,
): boolean {
  if (kind === 'resource') {
    if (statement.Principal !== undefined && !principalMatches(statement.Principal, context.caller))
      return false;
    if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, context.caller))
      return false;
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) return false;
  }
  if (statement.Action !== undefined) {
    if (!asList(statement.Action).some((pattern) => actionMatches(pattern, context.action))) return false;
  } else if (statement.NotAction !== undefined) {
    if (asList(statement.NotAction).some((pattern) => actionMatches(pattern, context.action))) return false;
  } else {
    return false;
  }
  if (statement.Resource !== undefined) {
    if (!resourceMatches(asList(statement.Resource), context, version)) return false;
  } else if (statement.NotResource !== undefined) {
    if (resourceMatches(asList(statement.NotResource), context, version)) return false;
  } else if (kind === 'identity') {
    return false;
  }
  return conditionsHold(statement.Condition, context.keys, version);
}

function parsed(document: PolicyInput['document']): PolicyDocument {
  return typeof document === 'string' ? (JSON.parse(document) as PolicyDocument) : document;
}

/** The decision on a request, given every policy that applies to it. */
export function evaluatePolicies(policies: readonly PolicyInput[], context: RequestContext): Evaluation {
  const allows: DecidingStatement[] = [];
  const denies: DecidingStatement[] = [];
  for (const policy of policies) {
    const document = parsed(policy.document);
    asList(document.Statement).forEach((statement, index) => {
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return;
      if (!statementApplies(statement, policy.kind, context, document.Version)) return;
      const deciding: DecidingStatement = {
        ...(policy.name !== undefined ? { policy: policy.name } : {}),
        ...(statement.Sid !== undefined ? { sid: statement.Sid } : {}),
        index,
        effect: statement.Effect,
      };
      (statement.Effect === 'Deny' ? denies : allows).push(deciding);
    });
  }
  if (denies.length > 0) return { decision: 'explicitDeny', statements: denies };
  if (allows.length > 0) return { decision: 'allowed', statements: allows };
  return { decision: 'implicitDeny', statements: [] };
}

/** The caller a service acting with a role is: a session of the role (Firehose's delivery role, ...). */
export function roleSession(roleArn: string, sessionName: string): Caller {
  const match = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) throw new Error(`not a role ARN: ${roleArn}`);
  const [, partition, account = '', name] = match;
  return {
    arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`,
    account,
    roleArn,
  };
}

/** The global condition keys every request has, from its caller and time (IAM's aws:* keys). */
export function callerKeys(caller: Caller, now: Date): Record<string, string> {
  const type = caller.anonymous
    ? 'Anonymous'
    : caller.arn.endsWith(':root')
      ? 'Account'
      : caller.arn.includes(':assumed-role/')
        ? 'AssumedRole'
        : caller.arn.includes(':user/')
          ? 'User'
          : 'FederatedUser';
  return {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    ...(caller.anonymous
      ? {}
      : {
          'aws:PrincipalArn': caller.roleArn ?? caller.arn,
          'aws:PrincipalAccount': caller.account,
          'aws:PrincipalType': type,
          'aws:userid': type === 'Account' ? caller.account : caller.arn,
          ...(type === 'User' ? { 'aws:username': caller.arn.split('/').at(-1) ?? '' } : {}),
        }),
  };
}
