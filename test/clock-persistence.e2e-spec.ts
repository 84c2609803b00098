import { startApp } from './support/app';

describe('the clock across restarts', () => {
  it('keeps the pacing an admin set unless NIMBUS_CLOCK says otherwise, and resumes the simulated time', async () => {
    let t = await startApp(undefined, { NIMBUS_CLOCK: 'manual' });
    try {
      await t.advance(3600);
      const before = (await t.admin().get('/v1/admin/clock').expect(200)).body.now;
      await t.admin().put('/v1/admin/clock', { rate: 60 }).expect(200);
      await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
      await t.admin().put('/v1/admin/clock', { rate: 0.5 }).expect(200);

      // No NIMBUS_CLOCK: the admin's last choice (0.5x) survives the restart.
      await t.app.close();
      t = await startApp(t.db, { NIMBUS_CLOCK: '' });
      const resumed = (await t.admin().get('/v1/admin/clock').expect(200)).body;
      expect({ mode: resumed.mode, rate: resumed.rate }).toEqual({ mode: 'realtime', rate: 0.5 });
      expect(Date.parse(resumed.now)).toBeGreaterThanOrEqual(Date.parse(before));
      expect(Date.parse(resumed.now) - Date.parse(before)).toBeLessThan(60_000);

      // NIMBUS_CLOCK set: it wins.
      await t.app.close();
      t = await startApp(t.db, { NIMBUS_CLOCK: 'manual' });
      expect((await t.admin().get('/v1/admin/clock').expect(200)).body).toMatchObject({ mode: 'manual', rate: 0 });
    } finally {
      await t.close();
    }
  });
});
