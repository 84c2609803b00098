import { ApiError, invalidParameter } from '../common/api-errors';

/**
 * EC2's tag rules, for every taggable resource: at most 50 per resource, keys 1–128 characters,
 * values ≤ 256, no `aws:` prefix ("Tag restrictions", Amazon EC2 User Guide). Too many tags is
 * `TagLimitExceeded` ("You've reached the limit on the number of tags that you can assign",
 * EC2 API Reference, Error codes); the other rules are `InvalidParameterValue`.
 */
export const MAX_TAGS = 50;

const tagLimitExceeded = (resource: string) => new ApiError('TagLimitExceeded', `The maximum number of tags for a resource has been reached: ${resource} may have at most ${MAX_TAGS} tags.`);

/** Checks each tag, and that there are at most 50 (a new resource's, or those given at once). */
export function validateTags(tags: Record<string, unknown>, resource = 'a resource'): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameter(`tag key '${k.slice(0, 40)}' must be 1 to 128 characters`);
    if (isSystemTag(k)) throw invalidParameter(`tag keys may not start with 'aws:' ('${k}')`);
    if (typeof v !== 'string') throw invalidParameter(`tag '${k}' must have a string value`);
    if (v.length > 256) throw invalidParameter(`tag '${k}' has a value longer than 256 characters`);
  }
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimitExceeded(resource);
  return tags as Record<string, string>;
}

/**
 * CreateTags on an existing resource: its tags with these (already valid) added or replaced.
 * A key it already has is replaced, so it does not count again: a resource at 50 may still change a value.
 */
export function mergeTags(resourceId: string, current: Readonly<Record<string, string>>, added: Readonly<Record<string, string>>): Record<string, string> {
  const merged = { ...current, ...added };
  if (Object.keys(merged).filter((k) => !isSystemTag(k)).length > MAX_TAGS) throw tagLimitExceeded(`'${resourceId}'`);
  return merged;
}

/**
 * A tag EC2 itself puts on a resource (`aws:` keys, e.g. an instance's `aws:ec2launchtemplate:id`):
 * the tenant cannot add, change or remove it, and it does not count towards the 50 ("Tag
 * restrictions", EC2 User Guide).
 */
export function isSystemTag(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/** A DeleteTags (or REST's tag delete) naming an `aws:` key is refused: EC2's own tags stay. */
export function checkDeletableTag(key: string): void {
  if (isSystemTag(key)) throw invalidParameter(`tag keys starting with 'aws:' are reserved for AWS use and cannot be deleted ('${key.slice(0, 128)}')`);
}
