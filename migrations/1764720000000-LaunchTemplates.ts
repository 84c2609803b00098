import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * EC2 launch templates (CreateLaunchTemplate, CreateLaunchTemplateVersion, …): a tenant's
 * templates, names unique per tenant, each with its default and latest version numbers and its
 * tags (a JSON object, as a placement group's); and their versions, each with its data (EC2's
 * Query parameters of LaunchTemplateData, a JSON object) and the client token that made it.
 */
export class LaunchTemplates1764720000000 implements MigrationInterface {
  name = 'LaunchTemplates1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'launch_templates',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'name', type: 'varchar', length: '128' },
        { name: 'default_version', type: 'integer' },
        { name: 'latest_version', type: 'integer' },
        { name: 'created_at', type: 'bigint' },
        { name: 'tags', type: 'text', default: "'{}'" },
      ],
      indices: [new TableIndex({ name: 'ux_launch_templates_name', columnNames: ['tenant_id', 'name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'launch_template_versions',
      columns: [
        { name: 'template_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'version_number', type: 'integer', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'description', type: 'varchar', length: '255', isNullable: true },
        { name: 'data', type: 'text' },
        { name: 'created_at', type: 'bigint' },
        { name: 'client_token', type: 'varchar', length: '128', isNullable: true },
        { name: 'request_hash', type: 'varchar', length: '64', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'ix_launch_template_versions_token', columnNames: ['tenant_id', 'client_token'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('launch_template_versions');
    await q.dropTable('launch_templates');
  }
}
