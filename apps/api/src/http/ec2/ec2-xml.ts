import { XMLBuilder } from 'fast-xml-parser';
import type { Ec2Answer } from './ec2-action';

/** The namespace of EC2's answers for the API version Nimbus speaks. */
export const EC2_API_VERSION = '2016-11-15';
export const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

/** A simulated time as EC2's answers write most of theirs: to the second, `….000Z` (launchTime, createTime, attachTime, …). */
export const ec2Time = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

/** A simulated time with its milliseconds, where Nimbus's answers keep them (a snapshot's startTime, an image's creationDate, a key pair's createTime, an interface's attachTime). */
export const ec2TimeMs = (ms: number): string => new Date(ms).toISOString();

/** XML's five predefined entities, for the characters a text or attribute value cannot hold as they are. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const NEEDS_ESCAPE = /[&<>"']/;
const TO_ESCAPE = /[&<>"']/g;

/**
 * A value as XML text: its special characters as entities, the same five the builder's own
 * `processEntities` writes. Given to the builder as its value processors instead, because that
 * pass runs five regular-expression replaces over every value, a fifth of an answer's building,
 * where nearly every value (ids, states, times, numbers) has nothing to escape and one test finds so.
 */
export function escapeXmlValue(_name: string, value: unknown): unknown {
  return typeof value === 'string' && NEEDS_ESCAPE.test(value) ? value.replace(TO_ESCAPE, (c) => ENTITIES[c]) : value;
}

/**
 * fast-xml-parser's builder: renders arrays as repeated elements (`items()` →
 * `<item>…</item>…`), skips undefined fields, and an empty list as `<xSet/>` as EC2 sends it;
 * every text and attribute value goes through `escapeXmlValue`. `jPath: false`: no callback here
 * reads the path, which the builder would otherwise make a string of at every element.
 */
const BUILDER_OPTIONS = {
  ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true,
  processEntities: false, tagValueProcessor: escapeXmlValue, attributeValueProcessor: escapeXmlValue,
  // In the builder's README (its options and defaults), not yet in its typings.
  jPath: false,
};
const builder = new XMLBuilder(BUILDER_OPTIONS);

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<{Action}Response xmlns="…"><requestId>…</requestId>…</{Action}Response>`. */
export function answerXml(action: string, requestId: string, answer: Ec2Answer): string {
  return DECLARATION + builder.build({ [`${action}Response`]: { '@_xmlns': EC2_NAMESPACE, requestId, ...answer } });
}

/** EC2's error document. */
export function errorXml(code: string, message: string, requestId: string): string {
  return DECLARATION + builder.build({ Response: { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId } });
}
