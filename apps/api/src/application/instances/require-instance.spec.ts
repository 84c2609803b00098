import { InstanceEntity } from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { Tx } from '../../persistence/tx';
import { requireInstance, TERMINATED_VISIBLE_MS } from './require-instance';

const ID = 'i-0123456789abcdef0';
const NOW = 10 * TERMINATED_VISIBLE_MS;
const tx = {} as Tx;

/** A repository holding one instance of tenant t-1; any other call fails the test. */
function repoWith(row: Partial<InstanceEntity>) {
  const findOwned = jest.fn(async (m: Tx, tenantId: string, id: string) => {
    expect(m).toBe(tx);
    return tenantId === 't-1' && id === ID ? ({ id: ID, tenantId: 't-1', ...row } as InstanceEntity) : null;
  });
  return { repo: { findOwned } as unknown as InstancesRepository, findOwned };
}

describe('requireInstance', () => {
  it('finds the tenant’s instance', async () => {
    const { repo } = repoWith({ state: 'running', stateSince: 0 });
    await expect(requireInstance(repo, tx, 't-1', ID, NOW)).resolves.toMatchObject({ id: ID, state: 'running' });
  });

  it('answers another tenant’s instance exactly as a missing one', async () => {
    const { repo } = repoWith({ state: 'running', stateSince: 0 });
    const other = requireInstance(repo, tx, 't-2', ID, NOW);
    await expect(other).rejects.toMatchObject({ code: 'InvalidInstanceID.NotFound', message: `The instance ID '${ID}' does not exist` });
    await expect(requireInstance(repo, tx, 't-1', 'i-0123456789abcdef1', NOW)).rejects.toMatchObject({ code: 'InvalidInstanceID.NotFound' });
  });

  it('shows a terminated instance for one hour, then no more', async () => {
    const visible = repoWith({ state: 'terminated', stateSince: NOW - TERMINATED_VISIBLE_MS + 1 });
    await expect(requireInstance(visible.repo, tx, 't-1', ID, NOW)).resolves.toMatchObject({ state: 'terminated' });
    const gone = repoWith({ state: 'terminated', stateSince: NOW - TERMINATED_VISIBLE_MS });
    await expect(requireInstance(gone.repo, tx, 't-1', ID, NOW)).rejects.toMatchObject({ code: 'InvalidInstanceID.NotFound' });
  });

  it('refuses a malformed id before any look-up', async () => {
    const { repo, findOwned } = repoWith({ state: 'running', stateSince: 0 });
    await expect(requireInstance(repo, tx, 't-1', 'i-123', NOW)).rejects.toMatchObject({ code: 'InvalidInstanceID.Malformed' });
    expect(findOwned).not.toHaveBeenCalled();
  });
});
