/**
 * A launch template's data as EC2's Query protocol writes it: the members of CreateLaunchTemplate's
 * `LaunchTemplateData` (RequestLaunchTemplateData), each a parameter named without that prefix
 * (`ImageId`, `BlockDeviceMapping.1.DeviceName`, `TagSpecification.1.Tag.1.Key`, …). Kept so, a
 * launch from the template is the same request as one written out by hand: its parameters and the
 * template's merge here, then RunInstances' own parser reads them.
 */
export type LaunchTemplateData = Readonly<Record<string, string>>;

/**
 * The members whose names differ between RequestLaunchTemplateData and RunInstances (EC2 API
 * Reference: the template's `RamDiskId`, RunInstances' `RamdiskId`). Every other member the two
 * share has the same name in both, lists included: `SecurityGroupId.N`, `SecurityGroup.N`,
 * `BlockDeviceMapping.N`, `NetworkInterface.N` (its `SecurityGroupId.N`, `PrivateIpAddresses.N`),
 * `TagSpecification.N.Tag.N`, `ElasticGpuSpecification.N`, `LicenseSpecification.N`.
 */
export const TEMPLATE_TO_RUN_INSTANCES: Readonly<Record<string, string>> = { RamDiskId: 'RamdiskId' };

/**
 * EC2 ("Launch an instance from a launch template", User Guide): a list of structures in the request
 * adds to the template's, an item whose key the template has replacing the template's item ("If the
 * launch template has an existing volume defined for /dev/xvdb, its values are replaced"). Tag
 * specifications add their tags to the template's of the same resource type, a key the template has
 * taking the request's value.
 */
const KEYED_LISTS: Readonly<Record<string, string>> = { BlockDeviceMapping: 'DeviceName', NetworkInterface: 'DeviceIndex', TagSpecification: 'ResourceType' };

const topOf = (name: string): string => name.split('.', 1)[0];
const isIndex = (segment: string | undefined): boolean => segment !== undefined && /^\d+$/.test(segment);

/** The data's parameters grouped by top-level member, in order. */
function byMember(data: LaunchTemplateData): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  for (const [k, v] of Object.entries(data)) {
    const top = topOf(k);
    let list = out.get(top);
    if (!list) out.set(top, (list = []));
    list.push([k, v]);
  }
  return out;
}

/** `M.N.rest` entries as items (relative names `rest`), in index order. */
function itemsOf(member: string, entries: readonly [string, string][]): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [k, v] of entries) {
    const rest = k.slice(member.length + 1);
    const dot = rest.indexOf('.');
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    const item = byIndex.get(index) ?? {};
    item[dot < 0 ? '' : rest.slice(dot + 1)] = v;
    byIndex.set(index, item);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}

function itemEntries(member: string, items: readonly Record<string, string>[]): [string, string][] {
  return items.flatMap((item, i) => Object.entries(item).map(([k, v]): [string, string] => [k === '' ? `${member}.${i + 1}` : `${member}.${i + 1}.${k}`, v]));
}

/** A tag specification's tags merged into another's of the same resource type (the request's value wins). */
function mergeTagSpecification(template: Record<string, string>, request: Record<string, string>): Record<string, string> {
  const tagsOf = (spec: Record<string, string>) => itemsOf('Tag', Object.entries(spec).filter(([k]) => k.startsWith('Tag.')));
  const tags = new Map<string, Record<string, string>>();
  for (const t of [...tagsOf(template), ...tagsOf(request)]) tags.set(t.Key ?? '', t);
  return { ResourceType: request.ResourceType, ...Object.fromEntries(itemEntries('Tag', [...tags.values()])) };
}

function mergeKeyed(member: string, template: readonly [string, string][], request: readonly [string, string][]): [string, string][] {
  const key = KEYED_LISTS[member];
  const merged = itemsOf(member, template);
  for (const item of itemsOf(member, request)) {
    const at = item[key] !== undefined ? merged.findIndex((m) => m[key] === item[key]) : -1;
    if (at < 0) merged.push(item);
    else merged[at] = member === 'TagSpecification' ? mergeTagSpecification(merged[at], item) : item;
  }
  return itemEntries(member, merged);
}

/** A structure's fields: the request's, and the template's others ("the complex structure as specified in the launch template plus any additional nested parameters that you specify"). */
function mergeStructure(member: string, template: readonly [string, string][], request: readonly [string, string][]): [string, string][] {
  const fieldOf = (k: string) => k.split('.', 2)[1];
  const given = new Set(request.map(([k]) => fieldOf(k)));
  return [...template.filter(([k]) => !given.has(fieldOf(k))), ...request];
}

/**
 * RunInstances with a launch template: the request's parameters over the template's (RunInstances'
 * names, the template's renamed by TEMPLATE_TO_RUN_INSTANCES). EC2's rule (RunInstances,
 * `LaunchTemplate`: "Any additional parameters that you specify for the new instance overwrite the
 * corresponding parameters included in the launch template"): a value or a list of values the
 * request gives replaces the template's; a structure takes the request's fields beside the
 * template's others; block device mappings, network interfaces and tag specifications add to the
 * template's, by device name, device index and resource type (KEYED_LISTS).
 */
export function launchParameters(template: LaunchTemplateData, request: LaunchTemplateData): Record<string, string> {
  const renamed: Record<string, string> = {};
  for (const [k, v] of Object.entries(template)) {
    const top = topOf(k);
    renamed[(TEMPLATE_TO_RUN_INSTANCES[top] ?? top) + k.slice(top.length)] = v;
  }
  const fromTemplate = byMember(renamed);
  const fromRequest = byMember(request);
  const out: [string, string][] = [];
  for (const [member, entries] of fromTemplate) {
    const given = fromRequest.get(member);
    if (!given) out.push(...entries);
    else if (KEYED_LISTS[member]) out.push(...mergeKeyed(member, entries, given));
    else if (entries.every(([k]) => k.includes('.') && !isIndex(k.split('.')[1])) && given.every(([k]) => k.includes('.') && !isIndex(k.split('.')[1])))
      out.push(...mergeStructure(member, entries, given));
    else out.push(...given);
  }
  for (const [member, entries] of fromRequest) if (!fromTemplate.has(member)) out.push(...entries);
  return Object.fromEntries(out);
}

/**
 * CreateLaunchTemplateVersion with a SourceVersion: the source's data with each top-level member
 * the request gives replaced by the request's (EC2: the new version "inherits parameters from a
 * source version", the request adding or overwriting parameters).
 */
export function overrideMembers(source: LaunchTemplateData, given: LaunchTemplateData): Record<string, string> {
  const tops = new Set(Object.keys(given).map(topOf));
  return { ...Object.fromEntries(Object.entries(source).filter(([k]) => !tops.has(topOf(k)))), ...given };
}

/** EC2's launch template names: 3 to 128 letters, digits and `( ) . - / _` (CreateLaunchTemplate's LaunchTemplateName). */
export const LAUNCH_TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** A launch template version as requests name it: a number, `$Latest` or `$Default`. */
export type VersionSpec = number | '$Latest' | '$Default';
