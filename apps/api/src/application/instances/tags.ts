import { invalidParameter } from '../common/api-errors';

/** EC2's tag rules: at most 50 per resource, keys 1–128 characters, values ≤ 256, no `aws:` prefix. */
export const MAX_TAGS = 50;

export function validateTags(tags: Record<string, unknown>): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameter(`tag key '${k.slice(0, 40)}' must be 1 to 128 characters`);
    if (k.toLowerCase().startsWith('aws:')) throw invalidParameter(`tag keys may not start with 'aws:' ('${k}')`);
    if (typeof v !== 'string') throw invalidParameter(`tag '${k}' must have a string value`);
    if (v.length > 256) throw invalidParameter(`tag '${k}' has a value longer than 256 characters`);
  }
  if (Object.keys(tags).length > MAX_TAGS) throw invalidParameter(`an instance may have at most ${MAX_TAGS} tags`);
  return tags as Record<string, string>;
}
