import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import { channelRequest } from './helpers/channel-requests.js';
import { initiate, MERCHANT, OTHER_MERCHANT } from './helpers/instance.js';
import { mockTransaction, useSimulator } from './helpers/suite.js';

describe('--disable-channel / FINNET_MOCK_DISABLED_CHANNELS', () => {
  it('is empty by default', () => {
    expect(loadConfig([], {}).disabledChannels).toEqual([]);
  });

  it('reads merchantId:type pairs from repeated flags or a comma list, * for every merchant, aliases as their channel', () => {
    expect(loadConfig(['--disable-channel', 'FINPAY770:idm', '--disable-channel=*:ovo,SHOP2:jenius'], {}).disabledChannels).toEqual([
      { merchantId: 'FINPAY770', type: 'idm' }, { merchantId: '*', type: 'ovo' }, { merchantId: 'SHOP2', type: 'jeniuspay' },
    ]);
    expect(loadConfig([], { FINNET_MOCK_DISABLED_CHANNELS: 'A:qris, B:vabca' }).disabledChannels).toEqual([
      { merchantId: 'A', type: 'qris' }, { merchantId: 'B', type: 'vabca' },
    ]);
  });

  it.each([
    [['--disable-channel', 'idm'], /--disable-channel \/ FINNET_MOCK_DISABLED_CHANNELS: disabled channel "idm" must be written merchantId:type/],
    [['--disable-channel', 'A:bitcoin'], /"bitcoin" in "A:bitcoin" is not a sourceOfFunds.type/],
    [['--disable-channel', 'A:hosted'], /"hosted" in "A:hosted" is not a sourceOfFunds.type/],
  ])('refuses %j with one clear line', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });
});

describe('a channel the merchant has not enabled', () => {
  const sim = useSimulator({ config: { disabledChannels: [{ merchantId: MERCHANT.id, type: 'idm' }, { merchantId: '*', type: 'linkaja' }] } });

  it('answers 403 4030001 Feature Not Allowed at initiate and stores nothing', async () => {
    const body = channelRequest('idm');
    const { status, body: answer } = await initiate(sim.instance, body);
    expect(status).toBe(403);
    expect(answer).toMatchObject({ responseCode: '4030001', responseMessage: 'Feature Not Allowed' });
    expect(Object.keys(answer)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
    expect(await mockTransaction(sim.instance, body.order.id)).toBeUndefined();
  });

  it('stays enabled for other merchants; * disables it for everyone, under any of its names', async () => {
    expect((await initiate(sim.instance, channelRequest('idm'), OTHER_MERCHANT)).status).toBe(200);
    expect((await initiate(sim.instance, channelRequest('alfamart'))).status).toBe(200);
    for (const merchant of [MERCHANT, OTHER_MERCHANT]) {
      expect((await initiate(sim.instance, channelRequest('linkaja'), merchant)).body.responseCode).toBe('4030001');
      expect((await initiate(sim.instance, channelRequest('linkajaapplink'), merchant)).body.responseCode).toBe('4030001');
    }
  });

  it('still reports a malformed request as such before refusing the channel', async () => {
    const body = channelRequest('idm');
    delete body.customer.mobilePhone;
    const { status, body: answer } = await initiate(sim.instance, body);
    expect(status).toBe(400);
    expect(answer.responseMessage).toBe('Invalid Mandatory Field customer.mobile phone');
  });

  it('is not offered on the hosted page', async () => {
    const mine = channelRequest(null);
    const theirs = channelRequest(null);
    const link = (await initiate(sim.instance, mine)).body.redirecturl as string;
    const otherLink = (await initiate(sim.instance, theirs, OTHER_MERCHANT)).body.redirecturl as string;
    const page = await request(sim.instance.server).get(new URL(link).pathname);
    expect(page.text).toContain('data-testid="channel-alfamart"');
    expect(page.text).not.toContain('data-testid="channel-idm"');
    expect(page.text).not.toContain('data-testid="channel-linkaja"');
    const otherPage = await request(sim.instance.server).get(new URL(otherLink).pathname);
    expect(otherPage.text).toContain('data-testid="channel-idm"');
    const picked = await request(sim.instance.server).post(new URL(link).pathname).type('form').send({ channel: 'idm' });
    expect(picked.status).toBe(303);
    expect(picked.headers.location).toBe(new URL(link).pathname);
    expect((await mockTransaction(sim.instance, mine.order.id, MERCHANT.id))?.channel).toBe('hosted');
  });
});
