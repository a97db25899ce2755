import { describe, expect, it } from 'vitest';
import { ChannelClient, createInMemoryPorts, serveChannel } from '../../../src-main/common/channel';
import { OcmError } from '../../../src-main/common/errors';
import { Emitter, nextEvent, type Event } from '../../../src-main/common/event';
import { declareSurface } from '../../../src-main/common/services';
import { integer } from '../../../src-main/common/validation';

interface ICounter {
  add(by: number): Promise<number>;
  fail(): Promise<void>;
  readonly onDidChange: Event<number>;
}

class Counter implements ICounter {
  private value = 0;
  private readonly changed = new Emitter<number>();
  readonly onDidChange = this.changed.event;
  secret = 'not callable';
  async add(by: number): Promise<number> {
    this.value += by;
    this.changed.fire(this.value);
    return this.value;
  }
  async fail(): Promise<void> {
    throw new OcmError('access-error', 'No permission.', { hint: 'Ask an administrator.' });
  }
  _internal(): string {
    return 'private';
  }
}

const counterSurface = declareSurface<ICounter>()({ add: [integer({ min: 0, max: 1000 })], fail: [] }, ['onDidChange']);

function connect() {
  const [serverPort, clientPort] = createInMemoryPorts();
  const counter = new Counter();
  const served = serveChannel(serverPort, { counter: counter as ICounter }, { counter: counterSurface });
  const client = new ChannelClient(clientPort);
  return { counter, served, client, proxy: client.proxy<ICounter>('counter') };
}

describe('channel', () => {
  it('calls methods and returns their values', async () => {
    const { proxy } = connect();
    expect(await proxy.add(2)).toBe(2);
    expect(await proxy.add(3)).toBe(5);
  });

  it('rebuilds typed errors on the client side', async () => {
    const { proxy } = connect();
    const error = await proxy.fail().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcmError);
    expect(error).toMatchObject({ code: 'access-error', message: 'No permission.', hint: 'Ask an administrator.' });
  });

  it('delivers events until the subscription is disposed', async () => {
    const { proxy, counter } = connect();
    const seen: number[] = [];
    const subscription = proxy.onDidChange((value) => seen.push(value));
    const first = nextEvent(proxy.onDidChange);
    await new Promise((resolve) => setImmediate(resolve)); // let the listen message arrive
    await proxy.add(1);
    expect(await first).toBe(1);
    subscription.dispose();
    await new Promise((resolve) => setImmediate(resolve));
    await counter.add(1);
    expect(seen).toEqual([1]);
  });

  it('serves only the declared surface: not helpers, plain properties, inherited members or unknown services', async () => {
    const { client } = connect();
    for (const member of ['_internal', 'secret', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'onDidChange']) {
      await expect(client.call('counter', member, []), member).rejects.toMatchObject({ code: 'not-found' });
    }
    await expect(client.call('nope', 'add', [1])).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.call('__proto__', 'toString', [])).rejects.toMatchObject({ code: 'not-found' });
  });

  it('checks every argument before the service sees it', async () => {
    const { client, counter } = connect();
    const before = await counter.add(0);
    await expect(client.call('counter', 'add', ['1'])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('counter.add argument 1 must be a number') });
    await expect(client.call('counter', 'add', [1.5])).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.call('counter', 'add', [5000])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('at most 1000') });
    await expect(client.call('counter', 'add', [1, 2])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('takes at most 1 argument') });
    await expect(client.call('counter', 'add', [])).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await counter.add(0)).toBe(before);
  });

  it('refuses to listen to anything but the declared events', async () => {
    const [serverPort, clientPort] = createInMemoryPorts();
    serveChannel(serverPort, { counter: new Counter() as ICounter }, { counter: counterSurface });
    const replies: unknown[] = [];
    clientPort.onMessage((message) => replies.push(message));
    for (const [id, event] of [[1, 'onDidNothing'], [2, 'add'], [3, 'constructor'], [4, '__proto__']] as const) {
      clientPort.send({ type: 'listen', id, service: 'counter', event });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(replies).toHaveLength(4);
    for (const reply of replies) expect(reply).toMatchObject({ type: 'reply', ok: false, error: { code: 'not-found' } });
  });

  it('fails pending calls when the client is disposed', async () => {
    const { client, proxy } = connect();
    const pending = proxy.add(1);
    client.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
