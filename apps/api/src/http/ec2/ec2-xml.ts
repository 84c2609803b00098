import { XMLBuilder } from 'fast-xml-parser';
import type { Ec2Answer } from './ec2-action';

/** The namespace of EC2's answers for the API version Nimbus speaks. */
export const EC2_API_VERSION = '2016-11-15';
export const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

/**
 * fast-xml-parser's builder: escapes text, renders arrays as repeated elements (`items()` →
 * `<item>…</item>…`), skips undefined fields, and an empty list as `<xSet/>` as EC2 sends it.
 */
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, processEntities: true });

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<{Action}Response xmlns="…"><requestId>…</requestId>…</{Action}Response>`. */
export function answerXml(action: string, requestId: string, answer: Ec2Answer): string {
  return DECLARATION + builder.build({ [`${action}Response`]: { '@_xmlns': EC2_NAMESPACE, requestId, ...answer } });
}

/** EC2's error document. */
export function errorXml(code: string, message: string, requestId: string): string {
  return DECLARATION + builder.build({ Response: { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId } });
}
