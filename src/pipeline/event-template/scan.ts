// A template's text cut into what is copied as it is and the `{{ expressions }}` between, each with the
// line it starts on (for messages) and whether it sits inside a JSON string (so its value is escaped there,
// and quoted when it is text outside one). Done once, when the template is loaded.

export interface TextPart {
  kind: 'text';
  /** As it goes out: line breaks (and the indentation after them) outside strings removed. */
  text: string;
  line: number;
  /** Where later lines of the template begin in `text`, for messages that point at a line. */
  lineStarts: Array<{ at: number; line: number }>;
}

export interface ExpressionPart {
  kind: 'expression';
  /** Between the braces, trimmed. */
  source: string;
  line: number;
  inString: boolean;
}

export type Part = TextPart | ExpressionPart;

export class ScanError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Where the expression opened at `start` (just after its `{{`) ends: the index of its closing `}}`. */
function expressionEnd(text: string, start: number, line: number): number {
  const closers: string[] = [];
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (OPEN[c]) closers.push(OPEN[c] as string);
    else if (closers.length > 0 && c === closers[closers.length - 1]) closers.pop();
    else if (closers.length === 0 && c === '}' && text[i + 1] === '}') return i;
  }
  throw new ScanError(
    quote ? `{{ is not closed: a string in it opened with ${quote} never ends` : '{{ is not closed with }}',
    line,
  );
}

export function scanTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let line = 1;
  let inString = false;
  let out = '';
  let outLine = 1;
  let lineStarts: TextPart['lineStarts'] = [];
  const flush = () => {
    if (out) parts.push({ kind: 'text', text: out, line: outLine, lineStarts });
    out = '';
    lineStarts = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '{' && text[i + 1] === '{') {
      flush();
      const end = expressionEnd(text, i + 2, line);
      const source = text.slice(i + 2, end);
      if (!source.trim()) throw new ScanError('{{ }} holds no expression', line);
      parts.push({ kind: 'expression', source: source.trim(), line, inString });
      for (const ch of source) if (ch === '\n') line++;
      i = end + 1;
      outLine = line;
      continue;
    }
    if (!out) outLine = line;
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      line++;
      if (inString) out += '\n';
      else while (text[i + 1] === ' ' || text[i + 1] === '\t') i++;
      lineStarts.push({ at: out.length, line });
      continue;
    }
    if (inString && c === '\\') {
      out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  flush();
  return parts;
}
