/** Typed proxies for every service, over one channel client, and the React context that hands them out. */
import { createContext, useContext } from 'react';
import { ChannelClient, type MessagePort } from '../../src-main/common/channel';
import { SERVICE_NAMES, type Services } from '../../src-main/common/services';

/** Builds a proxy for every member of {@link Services} over `port`. */
export function createServiceProxies(port: MessagePort): { client: ChannelClient; services: Services } {
  const client = new ChannelClient(port);
  const services = {} as Record<string, object>;
  for (const name of SERVICE_NAMES) services[name] = client.proxy<object>(name);
  return { client, services: services as unknown as Services };
}

/** React context holding the services; set once at startup. */
export const ServicesContext = createContext<Services | null>(null);

/** The services (throws outside the provider, which is a programming error). */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesContext');
  return services;
}
