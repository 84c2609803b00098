import { parseQueryString, QueryParams } from './ec2-params';
import { filterMatcher } from './ec2-filters';
import { errorCodeOf } from '../../application/common/testing/error-code';

const params = (q: string) => new QueryParams(parseQueryString(q));
const codeOf = (f: () => unknown): string => errorCodeOf(f) ?? 'accepted';

describe('EC2 Query parameters', () => {
  it('reads lists, structures and filters in index order, whatever order they arrive in', () => {
    const sut = params('InstanceId.10=i-c&InstanceId.2=i-b&InstanceId.1=i-a&Placement.AvailabilityZone=us-east-1a&' +
      'TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=x&' +
      'Filter.2.Name=tag%3Aapp&Filter.2.Value.1=web&Filter.1.Name=instance-state-name&Filter.1.Value.2=stopped&Filter.1.Value.1=running');
    expect(sut.list('InstanceId')).toEqual(['i-a', 'i-b', 'i-c']);
    expect(sut.struct('Placement')?.string('AvailabilityZone')).toBe('us-east-1a');
    expect(sut.struct('Monitoring')).toBeUndefined();
    const tags = sut.structs('TagSpecification')[0].structs('Tag');
    expect(tags.map((t) => [t.string('Key'), t.string('Value')])).toEqual([['a', 'x'], ['b', undefined]]);
    expect(sut.filters()).toEqual([{ name: 'instance-state-name', values: ['running', 'stopped'] }, { name: 'tag:app', values: ['web'] }]);
  });

  it("names a structure's fields once each, nested ones by their first part", () => {
    const p = params('CpuOptions.CoreCount=2&CpuOptions.ThreadsPerCore=1&CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId=cr-1&ImageId=ami-1');
    expect(p.struct('CpuOptions')!.fields().sort()).toEqual(['CoreCount', 'ThreadsPerCore']);
    expect(p.struct('CapacityReservationSpecification')!.fields()).toEqual(['CapacityReservationTarget']);
    expect(p.fields().sort()).toEqual(['CapacityReservationSpecification', 'CpuOptions', 'ImageId']);
  });

  it('refuses malformed values with InvalidParameterValue and missing ones with MissingParameter', () => {
    const sut = params('MaxCount=two&DryRun=yes&MinCount=0&InstanceId.x=i-a');
    expect(codeOf(() => sut.int('MaxCount'))).toBe('InvalidParameterValue');
    expect(codeOf(() => sut.int('MinCount', { min: 1 }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sut.bool('DryRun'))).toBe('InvalidParameterValue');
    expect(codeOf(() => sut.required('ImageId'))).toBe('MissingParameter');
    expect(codeOf(() => sut.list('InstanceId'))).toBe('InvalidParameterValue');
    expect(params('Filter.1.Value.1=x').filters.bind(params('Filter.1.Value.1=x'))).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
  });
});

describe('EC2 filters', () => {
  const rows = [
    { id: 'i-1', state: 'running', tags: { app: 'web', env: 'prod' } },
    { id: 'i-2', state: 'stopped', tags: { app: 'web-admin' } },
    { id: 'i-3', state: 'running', tags: {} as Record<string, string> },
  ];
  const fields = { 'instance-state-name': (r: (typeof rows)[number]) => r.state, 'tag-key': (r: (typeof rows)[number]) => Object.keys(r.tags) };
  const ids = (filters: { name: string; values: string[] }[]) => rows.filter(filterMatcher(filters, fields, (r) => r.tags)).map((r) => r.id);

  it('ORs the values of one filter, ANDs filters, and matches * and ? as EC2 does', () => {
    expect(ids([{ name: 'instance-state-name', values: ['running', 'stopped'] }])).toEqual(['i-1', 'i-2', 'i-3']);
    expect(ids([{ name: 'instance-state-name', values: ['running'] }, { name: 'tag:app', values: ['web'] }])).toEqual(['i-1']);
    expect(ids([{ name: 'tag:app', values: ['web*'] }])).toEqual(['i-1', 'i-2']);
    expect(ids([{ name: 'tag:app', values: ['we?'] }])).toEqual(['i-1']);
    expect(ids([{ name: 'tag:app', values: ['w.b'] }])).toEqual([]);
    expect(ids([{ name: 'tag-key', values: ['env'] }])).toEqual(['i-1']);
  });

  it('refuses a filter it does not know rather than ignoring it', () => {
    expect(codeOf(() => ids([{ name: 'colour', values: ['red'] }]))).toBe('InvalidParameterValue');
  });
});
