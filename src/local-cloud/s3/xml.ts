// S3's XML documents: parsing request bodies (configurations, Delete) and building responses.
// Lists in S3's XML are flattened: repeated elements, e.g. one <Version> per version.
import type { ServerResponse } from 'node:http';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { send } from '../protocol/common.js';
import { malformedXml } from './errors.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// Values untrimmed and unparsed: keys and tag values may start or end with spaces and look like numbers.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  trimValues: false,
  htmlEntities: true,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: true,
});

export type XmlNode = Record<string, unknown>;

/** The document's root element, which must be `root`; anything else is S3's MalformedXML. */
export function parseXmlBody(body: Buffer, root: string): XmlNode {
  const text = body.toString('utf8');
  if (!text.trim() || XMLValidator.validate(text) !== true) throw malformedXml();
  const document = parser.parse(text) as XmlNode;
  const node = document[root];
  if (node === undefined) throw malformedXml();
  return typeof node === 'object' && node !== null ? (node as XmlNode) : {};
}

/** The child elements of that name, as a list (S3 repeats an element for each item). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': item },
  );
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** The text of a child element (a leaf), or undefined when absent. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'object') {
    const inner = (first as XmlNode)['#text'];
    return inner === undefined ? '' : String(inner);
  }
  return String(first);
}

/** `<?xml ...?><root xmlns="...">...</root>`; arrays become repeated elements, undefined is left out. */
export function xmlDocument(root: string, content: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@xmlns': S3_XMLNS, ...content } })}`;
}

export function sendXml(
  response: ServerResponse,
  xml: string,
  status = 200,
  headers: Record<string, string> = {},
): void {
  send(response, status, xml, { 'Content-Type': 'application/xml', ...headers });
}
