import type { Ec2Actions } from './ec2-action';

/**
 * A feature's EC2 actions, as a Nest provider (so its handlers reach the feature's application
 * services through injection): `@Injectable() class XEc2Actions implements Ec2ActionSource`.
 * actions/index.ts lists every source; the adapter merges their maps at start and refuses two
 * sources naming the same action.
 */
export interface Ec2ActionSource {
  readonly actions: Ec2Actions;
}
