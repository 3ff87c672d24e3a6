// What a template expression names, resolved once to a function that makes its value for each event:
//   - faker's own API (v10): `{{faker.person.firstName}}`, `{{number.int({"min": 1, "max": 5})}}`;
//   - the Kinesis Data Generator's (faker.js 4 plus its own): `{{name.firstName}}`, `{{random.number(70)}}`,
//     `{{random.arrayElement(["OK","FAIL"])}}`, `{{random.weightedArrayElement({"weights":[0.3,0.7],
//     "data":["a","b"]})}}`, `{{date.now("YYYY-MM-DD")}}`, `{{date.utc}}`; their old names map onto v10's.
// Only faker's modules and methods can be named, and arguments are data: nothing in a template runs as code.
import type { Faker } from '@faker-js/faker';
import { closest } from '../../config/suggest.js';
import { compileDateFormat, DateFormatError, DEFAULT_FORMAT } from './date-format.js';
import { LiteralError, parseArguments } from './literal.js';

export class ExpressionError extends Error {}

export type Generate = () => unknown;

interface Context {
  faker: Faker;
  now: () => Date;
}

type Special = (args: unknown[], context: Context) => Generate;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function numberOption(options: Record<string, unknown>, key: string, fallback: number): number {
  const value = options[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ExpressionError(`"${key}" must be a number, not ${JSON.stringify(value)}`);
  return value;
}

/**
 * faker.js 4's `random.number` (and 5-7's `datatype.number`): `(max)` or `({min, max, precision})`, whole
 * numbers from 0 to 99,999 by default; a precision under 1 gives decimals (0.01: two places).
 */
const legacyNumber: Special = (args, { faker }) => {
  const [first] = args;
  const options = typeof first === 'number' ? { max: first } : isObject(first) ? first : {};
  if (first !== undefined && typeof first !== 'number' && !isObject(first))
    throw new ExpressionError('takes a maximum, or {"min": .., "max": .., "precision": ..}');
  const min = numberOption(options, 'min', 0);
  const max = numberOption(options, 'max', 99_999);
  const precision = numberOption(options, 'precision', 1);
  if (precision <= 0) throw new ExpressionError('"precision" must be above 0');
  const low = Math.ceil(min / precision);
  const high = Math.floor(max / precision);
  if (low > high) throw new ExpressionError(`no number from ${min} to ${max} is a multiple of ${precision}`);
  const places = (String(precision).split('.')[1] ?? '').length;
  if (places === 0) return () => faker.number.int({ min: low, max: high }) * precision;
  return () => Number((faker.number.int({ min: low, max: high }) * precision).toFixed(places));
};

/** The KDG's `random.weightedArrayElement({"weights": [..], "data": [..]})`. */
const weighted: Special = (args, { faker }) => {
  const [options] = args;
  const weights = isObject(options) ? options.weights : undefined;
  const data = isObject(options) ? options.data : undefined;
  if (!Array.isArray(weights) || !Array.isArray(data))
    throw new ExpressionError('takes {"weights": [0.3, 0.7], "data": ["a", "b"]}');
  if (weights.length !== data.length || data.length === 0)
    throw new ExpressionError(
      `needs one weight for each item: ${weights.length} weights for ${data.length} items`,
    );
  if (weights.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0))
    throw new ExpressionError('weights are numbers of 0 or more');
  if ((weights as number[]).every((w) => w === 0))
    throw new ExpressionError('at least one weight must be above 0');
  const choices = data
    .map((value, i) => ({ value, weight: weights[i] as number }))
    .filter((choice) => choice.weight > 0);
  return () => faker.helpers.weightedArrayElement(choices);
};

function dateNow(utc: boolean): Special {
  return (args, { now }) => {
    const [format] = args;
    if (format !== undefined && typeof format !== 'string')
      throw new ExpressionError('takes a moment.js format string, such as "YYYY-MM-DD HH:mm:ss"');
    try {
      const formatDate = compileDateFormat(format ?? (utc ? DEFAULT_FORMAT.utc : DEFAULT_FORMAT.local), utc);
      return () => formatDate(now());
    } catch (error) {
      if (error instanceof DateFormatError) throw new ExpressionError(error.message);
      throw error;
    }
  };
}

/** faker.js 4's positional arguments for the date functions, as v10's options. */
function datePositional(unit: 'years' | 'days', to: string): [string, (args: unknown[]) => unknown[]] {
  return [
    to,
    (args) =>
      typeof args[0] === 'number' || args.length > 1
        ? [{ [unit]: args[0], ...(args[1] !== undefined ? { refDate: args[1] } : {}) }]
        : args,
  ];
}

const SPECIALS: Record<string, Special> = {
  'date.now': dateNow(false),
  'date.utc': dateNow(true),
  // The KDG's simulated time; here events are always made in real time.
  'date.simTime': dateNow(false),
  'current.timestamp': dateNow(false),
  'random.number': legacyNumber,
  'datatype.number': legacyNumber,
  'datatype.float': (args, context) => {
    const [first] = args;
    return legacyNumber(
      [isObject(first) ? { precision: 0.01, ...first } : { max: first, precision: 0.01 }],
      context,
    );
  },
  'random.weightedArrayElement': weighted,
};

/** Names faker.js 4-7 (and so the KDG's templates) used, and where they are in faker 10. */
const RENAMED: Record<string, string | [string, (args: unknown[]) => unknown[]]> = {
  'name.firstName': 'person.firstName',
  'name.lastName': 'person.lastName',
  'name.middleName': 'person.middleName',
  'name.findName': 'person.fullName',
  'name.fullName': 'person.fullName',
  'name.jobTitle': 'person.jobTitle',
  'name.jobDescriptor': 'person.jobDescriptor',
  'name.jobArea': 'person.jobArea',
  'name.jobType': 'person.jobType',
  'name.prefix': 'person.prefix',
  'name.suffix': 'person.suffix',
  'name.title': 'person.jobTitle',
  'name.gender': 'person.gender',
  'address.zipCode': 'location.zipCode',
  'address.city': 'location.city',
  'address.cityName': 'location.city',
  'address.streetName': 'location.street',
  'address.streetAddress': 'location.streetAddress',
  'address.secondaryAddress': 'location.secondaryAddress',
  'address.buildingNumber': 'location.buildingNumber',
  'address.county': 'location.county',
  'address.country': 'location.country',
  'address.countryCode': 'location.countryCode',
  'address.state': 'location.state',
  'address.stateAbbr': ['location.state', () => [{ abbreviated: true }]],
  'address.latitude': 'location.latitude',
  'address.longitude': 'location.longitude',
  'address.direction': 'location.direction',
  'address.timeZone': 'location.timeZone',
  'random.uuid': 'string.uuid',
  'random.boolean': 'datatype.boolean',
  'random.arrayElement': 'helpers.arrayElement',
  'random.arrayElements': 'helpers.arrayElements',
  'random.objectElement': 'helpers.objectValue',
  'random.word': 'word.sample',
  'random.words': 'word.words',
  'random.alpha': 'string.alpha',
  'random.alphaNumeric': 'string.alphanumeric',
  'random.hexaDecimal': 'string.hexadecimal',
  'datatype.uuid': 'string.uuid',
  'datatype.string': 'string.sample',
  'datatype.hexadecimal': 'string.hexadecimal',
  'datatype.datetime': 'date.anytime',
  'internet.userName': 'internet.username',
  'internet.color': 'color.rgb',
  'internet.avatar': 'image.avatar',
  'company.companyName': 'company.name',
  'company.bs': 'company.buzzPhrase',
  'phone.phoneNumber': 'phone.number',
  'phone.phoneNumberFormat': 'phone.number',
  'finance.account': 'finance.accountNumber',
  'finance.amount': [
    'finance.amount',
    (args) =>
      typeof args[0] === 'number' ? [{ min: args[0], max: args[1], dec: args[2], symbol: args[3] }] : args,
  ],
  'commerce.color': 'color.human',
  'date.past': datePositional('years', 'date.past'),
  'date.future': datePositional('years', 'date.future'),
  'date.recent': datePositional('days', 'date.recent'),
  'date.soon': datePositional('days', 'date.soon'),
  'date.between': ['date.between', (args) => (args.length === 2 ? [{ from: args[0], to: args[1] }] : args)],
};

/** faker's modules and their methods: what a template may name. */
function fakerApi(faker: Faker): Map<string, Set<string>> {
  const api = new Map<string, Set<string>>();
  for (const [name, module] of Object.entries(faker)) {
    if (name.startsWith('_') || name === 'fakerCore' || typeof module !== 'object' || module === null)
      continue;
    const methods = new Set<string>();
    for (
      let proto = Object.getPrototypeOf(module);
      proto && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const method of Object.getOwnPropertyNames(proto)) {
        if (method !== 'constructor' && !method.startsWith('_') && typeof module[method] === 'function')
          methods.add(method);
      }
    }
    api.set(name, methods);
  }
  return api;
}

const EXPRESSION = /^([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(?:\(([\s\S]*)\))?$/;

/** Every name a template may use, for "did you mean". */
function knownNames(api: Map<string, Set<string>>): string[] {
  const names = [...Object.keys(SPECIALS), ...Object.keys(RENAMED)];
  for (const [module, methods] of api) for (const method of methods) names.push(`${module}.${method}`);
  return names;
}

/** The first line of what faker said (its messages go on to explain locales at length). */
const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0]?.trim();

const HINT =
  "expressions are faker's (fakerjs.dev/api, such as {{faker.person.firstName}}) or the Kinesis Data Generator's (such as {{random.number(100)}}, {{date.now}})";

/** The function that makes the value of expression `source` for each event; throws ExpressionError. */
export function resolveExpression(source: string, context: Context): Generate {
  const match = EXPRESSION.exec(source);
  if (!match) throw new ExpressionError(`this is not a name with optional (arguments): ${HINT}`);
  const path = (match[1] as string).replace(/\s+/g, '').replace(/^faker\./, '');
  let args: unknown[];
  try {
    args = parseArguments(match[2] ?? '');
  } catch (error) {
    if (error instanceof LiteralError)
      throw new ExpressionError(
        `its arguments are not data: ${error.message} (write them as JSON: numbers, "strings", [arrays], {"objects"})`,
      );
    throw error;
  }
  const special = SPECIALS[path];
  if (special) {
    const generate = special(args, context);
    try {
      generate();
    } catch (error) {
      throw new ExpressionError(`it fails: ${firstLine(error)}`);
    }
    return generate;
  }
  const renamed = RENAMED[path];
  const [target, adapt] = typeof renamed === 'string' ? [renamed, undefined] : (renamed ?? [path, undefined]);
  const [module, method, ...rest] = target.split('.');
  const api = fakerApi(context.faker);
  if (!module || !method || rest.length > 0 || !api.get(module)?.has(method)) {
    const guess = closest(path, knownNames(api));
    throw new ExpressionError(`there is no ${path}${guess ? ` (did you mean ${guess}?)` : ''}: ${HINT}`);
  }
  const callArgs = adapt ? adapt(args) : args;
  const owner = (context.faker as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[
    module
  ] as Record<string, (...a: unknown[]) => unknown>;
  const fn = owner[method] as (...a: unknown[]) => unknown;
  const generate = () => fn.apply(owner, callArgs);
  try {
    generate();
  } catch (error) {
    throw new ExpressionError(`faker refused it: ${firstLine(error)}`);
  }
  return generate;
}
