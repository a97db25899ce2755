/**
 * The one way the workbench names the instance of a row, an error or a log line: its name, and for an
 * instance removed with its history kept, its name marked "removed instance" (never its internal id).
 */
import { useEffect, useMemo, useRef } from 'react';
import type { InstanceConfig, InstanceId } from '../../src-main/common/model';
import { useTranslator, type Translator } from '../i18n';
import { useWorkbench } from './store';

/** Names instances by id: visible ones by name, removed ones by name marked removed, unknown ones by id. */
export function instanceNamer(visible: readonly InstanceConfig[], removed: readonly InstanceConfig[], t: Translator['t']): (id: InstanceId) => string {
  const names = new Map<InstanceId, string>();
  for (const instance of removed) names.set(instance.id, t('instances.removedName', { name: instance.name }));
  for (const instance of visible) names.set(instance.id, instance.name);
  return (id) => names.get(id) ?? id;
}

/**
 * Runs `onGone` when an instance whose rows may be on screen is gone (removed without its history: its
 * rows left the mirror). Views holding rows reload then, as they do when rows are removed.
 */
export function useInstanceGone(onGone: () => void): void {
  const known = useWorkbench((state) => [...state.instances, ...state.removedInstances].map((instance) => instance.id).sort().join(' '));
  const previous = useRef(known);
  const callback = useRef(onGone);
  callback.current = onGone;
  useEffect(() => {
    const before = previous.current.split(' ');
    previous.current = known;
    const now = new Set(known.split(' '));
    if (before.some((id) => id && !now.has(id))) callback.current();
  }, [known]);
}

/** {@link instanceNamer} over the workbench's instances, in the UI's language; a new function only when they change. */
export function useInstanceNames(): (id: InstanceId) => string {
  const { t } = useTranslator();
  const visible = useWorkbench((state) => state.instances);
  const removed = useWorkbench((state) => state.removedInstances);
  return useMemo(() => instanceNamer(visible, removed, t), [visible, removed, t]);
}
