import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { LaunchTemplateEntity, LaunchTemplateVersionEntity } from './entities';
import { Tx } from './tx';

/**
 * Tenants' launch templates and their versions. Every read names the tenant: another tenant's
 * template is not found. Without `tx`, a read sees the committed state.
 */
@Injectable()
export class LaunchTemplatesRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  async findById(m: Tx, tenantId: string, id: string): Promise<LaunchTemplateEntity | undefined> {
    return (await m.findOneBy(LaunchTemplateEntity, { tenantId, id })) ?? undefined;
  }

  async findByName(m: Tx, tenantId: string, name: string): Promise<LaunchTemplateEntity | undefined> {
    return (await m.findOneBy(LaunchTemplateEntity, { tenantId, name })) ?? undefined;
  }

  /** A tenant's templates, by name. */
  templatesOf(m: Tx, tenantId: string): Promise<LaunchTemplateEntity[]> {
    return m.find(LaunchTemplateEntity, { where: { tenantId }, order: { name: 'ASC' } });
  }

  /** A template's versions, by number. */
  versionsOf(m: Tx, templateId: string): Promise<LaunchTemplateVersionEntity[]> {
    return m.find(LaunchTemplateVersionEntity, { where: { templateId }, order: { versionNumber: 'ASC' } });
  }

  async version(m: Tx, templateId: string, versionNumber: number): Promise<LaunchTemplateVersionEntity | undefined> {
    return (await m.findOneBy(LaunchTemplateVersionEntity, { templateId, versionNumber })) ?? undefined;
  }

  /** The version a client token made, if any (the tenant's own). */
  async versionByClientToken(m: Tx, tenantId: string, clientToken: string): Promise<LaunchTemplateVersionEntity | undefined> {
    return (await m.findOneBy(LaunchTemplateVersionEntity, { tenantId, clientToken })) ?? undefined;
  }

  async insert(tx: Tx, row: LaunchTemplateEntity): Promise<void> {
    await tx.insert(LaunchTemplateEntity, { ...row });
  }

  async insertVersion(tx: Tx, row: LaunchTemplateVersionEntity): Promise<void> {
    await tx.insert(LaunchTemplateVersionEntity, { ...row });
  }

  async setVersions(tx: Tx, id: string, versions: { readonly defaultVersion?: number; readonly latestVersion?: number; readonly lastVersionNumber?: number }): Promise<void> {
    await tx.update(LaunchTemplateEntity, { id }, { ...versions });
  }

  async setTags(tx: Tx, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.update(LaunchTemplateEntity, { id }, { tags: JSON.stringify(tags) });
  }

  async deleteVersion(tx: Tx, templateId: string, versionNumber: number): Promise<void> {
    await tx.delete(LaunchTemplateVersionEntity, { templateId, versionNumber });
  }

  /** The template, its versions and its tags. */
  async delete(tx: Tx, id: string): Promise<void> {
    await tx.delete(LaunchTemplateVersionEntity, { templateId: id });
    await tx.delete(LaunchTemplateEntity, { id });
  }
}
