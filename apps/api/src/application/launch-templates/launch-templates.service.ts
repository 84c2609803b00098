import { Injectable } from '@nestjs/common';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { isEc2Id, resourceId } from '../common/ids';
import { requestHash } from '../common/request-hash';
import { LaunchTemplateEntity, LaunchTemplateVersionEntity, TenantEntity } from '../../persistence/entities';
import { LaunchTemplatesRepository } from '../../persistence/launch-templates.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { checkLaunchContent } from '../instances/instances.service';
import { validateTags } from '../instances/tags';
import { tagsOf } from '../tags/row-tags';
import { LAUNCH_TEMPLATE_NAME, LaunchTemplateData, overrideMembers } from './launch-template-data';
import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, LaunchTemplateRef, ListLaunchTemplatesQuery, ListLaunchTemplateVersionsQuery,
} from './launch-templates.commands';

/** A template with its tags. */
export interface LaunchTemplateView {
  readonly template: LaunchTemplateEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/** One version with its template and its data. */
export interface LaunchTemplateVersionView {
  readonly template: LaunchTemplateEntity;
  readonly version: LaunchTemplateVersionEntity;
  readonly data: LaunchTemplateData;
}

/** A version DeleteLaunchTemplateVersions could not delete, and why (EC2's ResponseError codes). */
export interface VersionNotDeleted {
  readonly versionNumber: number;
  readonly code: 'launchTemplateVersionDoesNotExist' | 'unexpectedError';
  readonly message: string;
}

const MAX_DESCRIPTION = 255;

// EC2's codes, and its error-code reference's words for each, naming what was asked.
const idMalformed = (id: string) =>
  new ApiError('InvalidLaunchTemplateId.Malformed', `The ID for the launch template is malformed: '${id.slice(0, 64)}'. Ensure that you specify the launch template ID in the form lt-xxxxxxxxxxxxxxxxx.`);
const idNotFound = (id: string) => new ApiError('InvalidLaunchTemplateId.NotFound', `The specified launch template ID does not exist: '${id}'.`);
const nameNotFound = (name: string) =>
  new ApiError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template name does not exist: '${name.slice(0, 128)}'. Launch template names are case-sensitive.`);
const versionNotFound = (template: LaunchTemplateEntity, version: string) =>
  new ApiError('InvalidLaunchTemplateId.VersionNotFound', `The specified launch template version does not exist: version ${version.slice(0, 32)} of launch template ${template.id}.`);

function checkName(name: string): void {
  if (!LAUNCH_TEMPLATE_NAME.test(name)) {
    throw new ApiError('InvalidLaunchTemplateName.MalformedException',
      `The specified launch template name is invalid: '${name.slice(0, 130)}'. A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: '-', '_', '.', '/', '(', and ')'.`);
  }
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > MAX_DESCRIPTION)
    throw invalidParameter(`Value for parameter VersionDescription is invalid: at most ${MAX_DESCRIPTION} characters.`);
}

/** EC2 requires LaunchTemplateData, and a template of nothing launches nothing. */
function checkData(data: LaunchTemplateData): void {
  if (Object.keys(data).length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
}

export const dataOf = (version: LaunchTemplateVersionEntity): LaunchTemplateData => JSON.parse(version.data) as LaunchTemplateData;

/**
 * EC2's launch templates, per tenant: CreateLaunchTemplate, CreateLaunchTemplateVersion,
 * DescribeLaunchTemplates, DescribeLaunchTemplateVersions, ModifyLaunchTemplate (the default
 * version), DeleteLaunchTemplate, DeleteLaunchTemplateVersions; and the version a launch names
 * (RunInstances' `LaunchTemplate`). Version numbers start at 1 and grow by one, never given twice
 * (a deleted version's number is not reused: `lastVersionNumber`); the default version
 * cannot be deleted but with its template. Another tenant's template is not found, as a missing one.
 * What the data may hold is checked when it is written as a launch checks it (the EC2 adapter's
 * RunInstances parser, then `checkLaunchContent`); what it names (the image, the type, groups, …)
 * exists or not at launch, as on EC2.
 */
@Injectable()
export class LaunchTemplatesService {
  constructor(
    private readonly repo: LaunchTemplatesRepository,
    private readonly engine: EngineService,
  ) {}

  /** CreateLaunchTemplate's checks, and DryRun's: the name (free), description, tags and the data's content. */
  async checkCreate(tenant: TenantEntity, cmd: CreateLaunchTemplateCommand): Promise<Record<string, string>> {
    checkName(cmd.name);
    checkDescription(cmd.description);
    checkData(cmd.data);
    checkLaunchContent(cmd.content);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    if (cmd.clientToken === undefined) await this.requireFreeName(this.repo.reader, tenant.id, cmd.name);
    return tags;
  }

  async create(tenant: TenantEntity, cmd: CreateLaunchTemplateCommand): Promise<LaunchTemplateVersionView> {
    const tags = await this.checkCreate(tenant, cmd);
    const hash = requestHash({ action: 'CreateLaunchTemplate', name: cmd.name, description: cmd.description, data: cmd.data, tags });
    return this.engine.command(async (tx, e) => {
      const repeated = await this.repeated(tx, tenant.id, cmd.clientToken, hash);
      if (repeated) return repeated;
      await this.requireFreeName(tx, tenant.id, cmd.name);
      const template: LaunchTemplateEntity = {
        id: resourceId('lt'), tenantId: tenant.id, name: cmd.name, defaultVersion: 1, latestVersion: 1, lastVersionNumber: 1, createdAt: e.now, tags: JSON.stringify(tags),
      };
      await this.repo.insert(tx, template);
      const version = await this.insertVersion(tx, template, 1, cmd.description, cmd.data, e.now, cmd.clientToken, hash);
      return { template, version, data: cmd.data };
    });
  }

  async createVersion(tenant: TenantEntity, cmd: CreateLaunchTemplateVersionCommand): Promise<LaunchTemplateVersionView> {
    checkDescription(cmd.description);
    if (cmd.sourceVersion === undefined) checkData(cmd.data);
    checkLaunchContent(cmd.content);
    const hash = requestHash({ action: 'CreateLaunchTemplateVersion', template: cmd.template, source: cmd.sourceVersion, description: cmd.description, data: cmd.data });
    return this.engine.command(async (tx, e) => {
      const repeated = await this.repeated(tx, tenant.id, cmd.clientToken, hash);
      if (repeated) return repeated;
      const template = await this.require(tx, tenant.id, cmd.template);
      const source = cmd.sourceVersion !== undefined ? await this.versionOf(tx, template, cmd.sourceVersion) : undefined;
      const data = source ? overrideMembers(dataOf(source), cmd.data) : cmd.data;
      // The next number never given: a deleted latest version's number is not given again.
      const number = template.lastVersionNumber + 1;
      const version = await this.insertVersion(tx, template, number, cmd.description, data, e.now, cmd.clientToken, hash);
      await this.repo.setVersions(tx, template.id, { latestVersion: number, lastVersionNumber: number });
      return { template: { ...template, latestVersion: number, lastVersionNumber: number }, version, data };
    });
  }

  /** DescribeLaunchTemplates: every id and name must be the tenant's template. */
  async list(tenant: TenantEntity, q: ListLaunchTemplatesQuery): Promise<LaunchTemplateView[]> {
    const all = await this.repo.templatesOf(this.repo.reader, tenant.id);
    for (const id of q.ids ?? []) {
      if (!isEc2Id('lt', id)) throw idMalformed(id);
      if (!all.some((t) => t.id === id)) throw idNotFound(id);
    }
    for (const name of q.names ?? []) if (!all.some((t) => t.name === name)) throw nameNotFound(name);
    const named = all.filter((t) => (!q.ids?.length || q.ids.includes(t.id)) && (!q.names?.length || q.names.includes(t.name)));
    return named.map((template) => ({ template, tags: tagsOf(template) }));
  }

  /** DescribeLaunchTemplateVersions (see ListLaunchTemplateVersionsQuery). */
  async versions(tenant: TenantEntity, q: ListLaunchTemplateVersionsQuery): Promise<LaunchTemplateVersionView[]> {
    const m = this.repo.reader;
    if (!q.template) {
      const aliases = q.versions ?? [];
      const bad = aliases.find((v) => v !== '$Latest' && v !== '$Default');
      if (bad !== undefined) throw invalidParameter(`Value (${bad.slice(0, 32)}) for parameter LaunchTemplateVersion is invalid: without a launch template, only $Latest and $Default.`);
      const out: LaunchTemplateVersionView[] = [];
      for (const template of await this.repo.templatesOf(m, tenant.id)) {
        const wanted = new Set(aliases.map((a) => (a === '$Latest' ? template.latestVersion : template.defaultVersion)));
        for (const version of await this.repo.versionsOf(m, template.id)) {
          if ((wanted.size === 0 || wanted.has(version.versionNumber)) && this.inRange(version, q)) out.push({ template, version, data: dataOf(version) });
        }
      }
      return out;
    }
    const template = await this.require(m, tenant.id, q.template);
    if (q.versions && q.versions.length > 0) {
      const asked = new Map<number, LaunchTemplateVersionEntity>();
      for (const v of q.versions) {
        const version = await this.versionOf(m, template, v);
        asked.set(version.versionNumber, version);
      }
      return [...asked.values()].sort((a, b) => a.versionNumber - b.versionNumber).map((version) => ({ template, version, data: dataOf(version) }));
    }
    return (await this.repo.versionsOf(m, template.id)).filter((v) => this.inRange(v, q)).map((version) => ({ template, version, data: dataOf(version) }));
  }

  /** ModifyLaunchTemplate's SetDefaultVersion: an existing version. */
  setDefaultVersion(tenant: TenantEntity, ref: LaunchTemplateRef, version: string | undefined): Promise<LaunchTemplateEntity> {
    return this.engine.command(async (tx) => {
      const template = await this.require(tx, tenant.id, ref);
      if (version === undefined) return template;
      const v = await this.versionOf(tx, template, version);
      await this.repo.setVersions(tx, template.id, { defaultVersion: v.versionNumber });
      return { ...template, defaultVersion: v.versionNumber };
    });
  }

  /** DeleteLaunchTemplate: the template with every version and its tags. */
  delete(tenant: TenantEntity, ref: LaunchTemplateRef): Promise<LaunchTemplateEntity> {
    return this.engine.command(async (tx) => {
      const template = await this.require(tx, tenant.id, ref);
      await this.repo.delete(tx, template.id);
      return template;
    });
  }

  /**
   * DeleteLaunchTemplateVersions: each version alone, as EC2 answers them; the default version is
   * not deleted ("you must first assign a different version as the default", EC2 API Reference).
   * The latest version becomes the highest left; the next version's number still follows the
   * highest ever given (lastVersionNumber), as EC2 numbers them.
   */
  deleteVersions(tenant: TenantEntity, ref: LaunchTemplateRef, versions: readonly number[]): Promise<{ template: LaunchTemplateEntity; deleted: number[]; failed: VersionNotDeleted[] }> {
    return this.engine.command(async (tx) => {
      const template = await this.require(tx, tenant.id, ref);
      const deleted: number[] = [];
      const failed: VersionNotDeleted[] = [];
      for (const n of new Set(versions)) {
        if (n === template.defaultVersion) {
          failed.push({ versionNumber: n, code: 'unexpectedError', message: `Cannot delete the default version ${n} of launch template ${template.id}: set another version as the default first, or delete the launch template.` });
        } else if (!(await this.repo.version(tx, template.id, n))) {
          failed.push({ versionNumber: n, code: 'launchTemplateVersionDoesNotExist', message: `The specified launch template version does not exist: version ${n} of launch template ${template.id}.` });
        } else {
          await this.repo.deleteVersion(tx, template.id, n);
          deleted.push(n);
        }
      }
      const left = await this.repo.versionsOf(tx, template.id);
      const latestVersion = Math.max(...left.map((v) => v.versionNumber));
      if (latestVersion !== template.latestVersion) await this.repo.setVersions(tx, template.id, { latestVersion });
      return { template: { ...template, latestVersion }, deleted, failed };
    });
  }

  /** The version a launch names (RunInstances' LaunchTemplate: a number, `$Latest`, or `$Default`, the default). */
  async launchVersion(tenant: TenantEntity, ref: LaunchTemplateRef, version: string | undefined): Promise<LaunchTemplateVersionView> {
    const m = this.repo.reader;
    const template = await this.require(m, tenant.id, ref);
    const v = await this.versionOf(m, template, version ?? '$Default');
    return { template, version: v, data: dataOf(v) };
  }

  /** The tenant's template by id or name: malformed, missing and another tenant's answer as EC2 does for a missing one. */
  async require(m: Tx | undefined, tenantId: string, ref: LaunchTemplateRef): Promise<LaunchTemplateEntity> {
    const reader = m ?? this.repo.reader;
    if (ref.id !== undefined && ref.name !== undefined)
      throw new ApiError('InvalidParameterCombination', 'Specify either the launch template ID or the launch template name, but not both.');
    if (ref.id !== undefined) {
      if (!isEc2Id('lt', ref.id)) throw idMalformed(ref.id);
      const found = await this.repo.findById(reader, tenantId, ref.id);
      if (!found) throw idNotFound(ref.id);
      return found;
    }
    if (ref.name !== undefined) {
      const found = await this.repo.findByName(reader, tenantId, ref.name);
      if (!found) throw nameNotFound(ref.name);
      return found;
    }
    throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateId or LaunchTemplateName');
  }

  /** The tenant's templates (DescribeTags). */
  all(tenant: TenantEntity): Promise<LaunchTemplateEntity[]> {
    return this.repo.templatesOf(this.repo.reader, tenant.id);
  }

  /** A version of the template as requests name it: a number, `$Latest` or `$Default`. */
  private async versionOf(m: Tx, template: LaunchTemplateEntity, asked: string): Promise<LaunchTemplateVersionEntity> {
    const number = asked === '$Latest' ? template.latestVersion : asked === '$Default' ? template.defaultVersion : /^\d{1,15}$/.test(asked.trim()) ? Number(asked.trim()) : undefined;
    const version = number !== undefined ? await this.repo.version(m, template.id, number) : undefined;
    if (!version) throw versionNotFound(template, asked);
    return version;
  }

  private inRange(version: LaunchTemplateVersionEntity, q: ListLaunchTemplateVersionsQuery): boolean {
    return (q.minVersion === undefined || version.versionNumber >= q.minVersion) && (q.maxVersion === undefined || version.versionNumber <= q.maxVersion);
  }

  private async requireFreeName(m: Tx, tenantId: string, name: string): Promise<void> {
    if (await this.repo.findByName(m, tenantId, name))
      throw new ApiError('InvalidLaunchTemplateName.AlreadyExistsException', `The specified launch template name is already in use: '${name}'.`);
  }

  /** The version an earlier request with this client token made (the same request: its answer again), else nothing; another request with it is IdempotentParameterMismatch. */
  private async repeated(tx: Tx, tenantId: string, clientToken: string | undefined, hash: string): Promise<LaunchTemplateVersionView | undefined> {
    if (clientToken === undefined) return undefined;
    const version = await this.repo.versionByClientToken(tx, tenantId, clientToken);
    if (!version) return undefined;
    if (version.requestHash !== hash) throw idempotentMismatch(clientToken);
    const template = (await this.repo.findById(tx, tenantId, version.templateId))!;
    return { template, version, data: dataOf(version) };
  }

  private async insertVersion(
    tx: Tx, template: LaunchTemplateEntity, versionNumber: number, description: string | undefined, data: LaunchTemplateData, now: number,
    clientToken: string | undefined, hash: string,
  ): Promise<LaunchTemplateVersionEntity> {
    const row: LaunchTemplateVersionEntity = {
      templateId: template.id, versionNumber, tenantId: template.tenantId, description: description ?? null, data: JSON.stringify(data), createdAt: now,
      clientToken: clientToken ?? null, requestHash: clientToken !== undefined ? hash : null,
    };
    await this.repo.insertVersion(tx, row);
    return row;
  }
}
