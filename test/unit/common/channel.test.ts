import { describe, expect, it } from 'vitest';
import { ChannelClient, createInMemoryPorts, serveChannel } from '../../../src-main/common/channel';
import { OcmError } from '../../../src-main/common/errors';
import { Emitter, nextEvent, type Event } from '../../../src-main/common/event';

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

function connect() {
  const [serverPort, clientPort] = createInMemoryPorts();
  const counter = new Counter();
  const served = serveChannel(serverPort, { counter });
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

  it('refuses private members, plain properties and unknown services', async () => {
    const { client } = connect();
    await expect(client.call('counter', '_internal', [])).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.call('counter', 'secret', [])).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.call('counter', 'constructor', [])).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.call('nope', 'add', [1])).rejects.toMatchObject({ code: 'not-found' });
  });

  it('fails pending calls when the client is disposed', async () => {
    const { client, proxy } = connect();
    const pending = proxy.add(1);
    client.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
