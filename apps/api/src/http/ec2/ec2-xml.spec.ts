import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { items } from './ec2-action';
import { answerXml, EC2_NAMESPACE, errorXml } from './ec2-xml';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

describe('EC2 answers as XML', () => {
  it('writes EC2\'s shape: the namespace, requestId, lists as item elements, an empty list as <xSet/>, nothing for undefined', () => {
    const xml = answerXml('DescribeTags', 'req-1', {
      tagSet: items([{ key: 'Name', value: 'web', resourceType: 'instance' }, { key: 'n', value: 7 }]),
      nextToken: undefined,
      groupSet: items([]),
      ok: true,
    });
    expect(xml).toBe(
      `${DECLARATION}<DescribeTagsResponse xmlns="${EC2_NAMESPACE}"><requestId>req-1</requestId>` +
      '<tagSet><item><key>Name</key><value>web</value><resourceType>instance</resourceType></item><item><key>n</key><value>7</value></item></tagSet>' +
      '<groupSet/><ok>true</ok></DescribeTagsResponse>',
    );
  });

  it('escapes the five characters XML cannot hold as text, in values, list items and the error document', () => {
    expect(answerXml('CreateTags', 'r', { value: `a&b<c>d"e'f`, list: items(['x<y', '&']) })).toBe(
      `${DECLARATION}<CreateTagsResponse xmlns="${EC2_NAMESPACE}"><requestId>r</requestId>` +
      '<value>a&amp;b&lt;c&gt;d&quot;e&apos;f</value><list><item>x&lt;y</item><item>&amp;</item></list></CreateTagsResponse>',
    );
    expect(errorXml('InvalidParameterValue', 'Value (<&>) for parameter "x" is invalid', 'r-2')).toBe(
      `${DECLARATION}<Response><Errors><Error><Code>InvalidParameterValue</Code>` +
      '<Message>Value (&lt;&amp;&gt;) for parameter &quot;x&quot; is invalid</Message></Error></Errors><RequestID>r-2</RequestID></Response>',
    );
    // Already-escaped text is text: escaped again, so that it reads back as written.
    expect(answerXml('A', 'r', { v: '&amp;' })).toContain('<v>&amp;amp;</v>');
  });

  it('any string value reads back exactly as it was, through another XML parser (property)', () => {
    const parser = new XMLParser({ parseTagValue: false, trimValues: false, processEntities: true, ignoreAttributes: false });
    // Characters XML 1.0 allows, weighted toward the ones that must be escaped and markup's own.
    const char = fc.oneof(
      fc.constantFrom('&', '<', '>', '"', "'", ';', '#', '/', '=', ']', ' '),
      fc.constantFrom('a', 'Z', '0', 'é', '日', '😀', '\t'),
      fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 40 }).map((cs) => cs.join('')), fc.array(fc.string({ minLength: 1, maxLength: 5 })), (value, list) => {
        const printable = list.filter((s) => /^[\x20-\x7e]+$/.test(s));
        const xml = answerXml('CreateTags', 'r', { value, list: items(printable) });
        const back = parser.parse(xml).CreateTagsResponse;
        expect(String(back.value)).toBe(value);
        const got = back.list === '' ? [] : ([] as unknown[]).concat(back.list.item).map(String);
        expect(got).toEqual(printable);
      }),
    );
  });
});
