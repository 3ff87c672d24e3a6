// The arguments of a template expression, `random.number({"min": 10, "max": 150})`, read as data, never run
// as code. JSON, plus what people write when they copy from faker's docs or the Kinesis Data Generator's:
// single-quoted strings, unquoted keys, trailing commas. Strict, the same reader checks a rendered event
// is JSON and says where it is not (JSON.parse's messages on Node 20 do not always give a position).

export class LiteralError extends Error {
  constructor(
    message: string,
    /** Offset in the text read. */
    readonly at: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEY = /[A-Za-z_$][\w$]*/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  at = 0;
  constructor(
    readonly text: string,
    /** JSON only: double quotes, quoted keys, no trailing commas, no raw control characters in strings. */
    readonly strict = false,
  ) {}

  space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] as string)) this.at++;
  }

  fail(what: string): never {
    const near = this.text.slice(this.at, this.at + 12);
    throw new LiteralError(`${what}${near ? ` at "${near}"` : ' at the end'}`, this.at);
  }

  value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || (c === "'" && !this.strict)) return this.string();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at) && !/[\w$]/.test(this.text[this.at + word.length] ?? '')) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.at += number[0].length;
      return Number(number[0]);
    }
    return this.fail('expected a number, a "string", true, false, null, [an array] or {an object}');
  }

  string(): string {
    const quote = this.text[this.at];
    this.at++;
    let out = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at++] as string;
      if (c === quote) return out;
      if (this.strict && c < ' ') {
        this.at--;
        this.fail('a line break or control character inside a string (write it as \\n)');
      }
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++] ?? '';
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at, this.at + 4))) {
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
      else {
        this.at -= 2;
        this.fail('unknown escape in a string');
      }
    }
    return this.fail(`a string is not closed with ${quote}`);
  }

  array(): unknown[] {
    this.at++;
    const items: unknown[] = [];
    for (;;) {
      this.space();
      // A trailing comma is JSON5's, not JSON's.
      if (this.text[this.at] === ']' && (!this.strict || items.length === 0)) {
        this.at++;
        return items;
      }
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] === ']') {
        this.at++;
        return items;
      } else this.fail('expected , or ] in an array');
    }
  }

  object(): Record<string, unknown> {
    this.at++;
    const object: Record<string, unknown> = {};
    for (;;) {
      this.space();
      const c = this.text[this.at];
      if (c === '}' && (!this.strict || Object.keys(object).length === 0)) {
        this.at++;
        return object;
      }
      let key: string;
      if (c === '"' || (c === "'" && !this.strict)) key = this.string();
      else if (this.strict) return this.fail('expected a "quoted" key in an object');
      else {
        KEY.lastIndex = this.at;
        const word = KEY.exec(this.text);
        if (!word) return this.fail('expected a key in an object');
        key = word[0];
        this.at += key.length;
      }
      this.space();
      if (this.text[this.at] !== ':') this.fail(`expected : after the key "${key}"`);
      this.at++;
      object[key] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] === '}') {
        this.at++;
        return object;
      } else this.fail('expected , or } in an object');
    }
  }
}

/** A comma-separated list of literals (what sits between an expression's parentheses). */
export function parseArguments(text: string): unknown[] {
  const reader = new Reader(text);
  const args: unknown[] = [];
  reader.space();
  if (reader.at === text.length) return args;
  for (;;) {
    args.push(reader.value());
    reader.space();
    if (reader.at === text.length) return args;
    if (text[reader.at] !== ',') reader.fail('expected , between arguments');
    reader.at++;
  }
}

/** Where `text` stops being one JSON value, and why; undefined when it is JSON. */
export function jsonError(text: string): LiteralError | undefined {
  const reader = new Reader(text, true);
  try {
    reader.value();
    reader.space();
    if (reader.at < text.length) reader.fail('more after the end of the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof LiteralError) return error;
    throw error;
  }
}
