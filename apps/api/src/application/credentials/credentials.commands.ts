/** Access keys of the EC2 Query protocol (CredentialsService); the admin names the tenant, a tenant acts on its own. */
export interface TenantAccessKeysCommand {
  readonly tenantId: string;
}

export interface DeleteAccessKeyCommand {
  readonly tenantId: string;
  readonly accessKeyId: string;
}
