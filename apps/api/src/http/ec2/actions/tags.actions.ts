import { Injectable } from '@nestjs/common';
import { ApiError } from '../../../application/common/api-errors';
import { ResourceTag, TagsService } from '../../../application/tags/tags.service';
import { Ec2Actions, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { filterMatcher } from '../ec2-filters';
import { decodeIndexToken, encodeIndexToken } from '../ec2-pages';

/** CreateTags, DeleteTags, DescribeTags: on every resource type a feature registered with TagsService. */
@Injectable()
export class TagsEc2Actions implements Ec2ActionSource {
  constructor(private readonly tags: TagsService) {}

  readonly actions: Ec2Actions = {
    CreateTags: {
      operation: 'CreateTags',
      params: ['ResourceId', 'Tag'],
      handler: async (ctx, p) => {
        const tags: Record<string, string> = {};
        for (const t of p.structs('Tag')) tags[t.required('Key')] = t.string('Value') ?? '';
        if (Object.keys(tags).length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter Tag');
        await this.tags.create(ctx.tenant, p.list('ResourceId'), tags);
        return { return: true };
      },
    },
    DeleteTags: {
      operation: 'DeleteTags',
      params: ['ResourceId', 'Tag'],
      handler: async (ctx, p) => {
        const tags = p.structs('Tag').map((t) => ({ key: t.required('Key'), ...(t.has('Value') ? { value: t.string('Value') ?? '' } : {}) }));
        await this.tags.delete(ctx.tenant, p.list('ResourceId'), tags);
        return { return: true };
      },
    },
    DescribeTags: {
      operation: 'DescribeTags',
      params: ['Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const maxResults = p.int('MaxResults', { min: 5, max: 1000 }) ?? 1000;
        const types = p.filters().find((f) => f.name === 'resource-type')?.values;
        const listed = await this.tags.list(ctx.tenant, types && !types.some((v) => /[*?\\]/.test(v)) ? types : undefined);
        // `tag:<key>` selects the tags of resources that have that tag (EC2's DescribeTags filter "tag:Owner" = "TeamA").
        const byResource = new Map<string, Record<string, string>>();
        for (const t of listed) byResource.set(t.resourceId, { ...byResource.get(t.resourceId), [t.key]: t.value });
        const match = filterMatcher(
          p.filters(),
          { key: (t: ResourceTag) => t.key, value: (t) => t.value, 'resource-id': (t) => t.resourceId, 'resource-type': (t) => t.resourceType },
          (t) => byResource.get(t.resourceId) ?? {},
        );
        const all = listed.filter(match);
        const from = p.string('NextToken') ? decodeIndexToken(p.string('NextToken')!) : 0;
        const page = all.slice(from, from + maxResults);
        return { tagSet: items(page), nextToken: from + maxResults < all.length ? encodeIndexToken(from + maxResults) : undefined };
      },
    },
  };
}
