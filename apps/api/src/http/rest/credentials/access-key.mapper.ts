import { NewAccessKey } from '../../../application/credentials/credentials.service';
import { AccessKeyEntity } from '../../../persistence/entities';

export function mapAccessKey(k: AccessKeyEntity) {
  return { accessKeyId: k.accessKeyId, createdAt: new Date(k.createdAt).toISOString() };
}

/** The secret appears only in the answer that creates the key. */
export function mapNewAccessKey(k: NewAccessKey) {
  return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, createdAt: new Date(k.createdAt).toISOString() };
}

export function mapAccessKeys(r: { readonly accountId: string; readonly keys: readonly AccessKeyEntity[] }) {
  return { accountId: r.accountId, accessKeys: r.keys.map(mapAccessKey) };
}
