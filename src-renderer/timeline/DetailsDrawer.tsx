/**
 * The details drawer: every field of a change, the record's name (asked of its server without holding the
 * drawer up), the record's other events, Open in Odoo (not for a deleted record), copy as JSON.
 */
import { useEffect, useState } from 'react';
import { type ChangeRow, type InstanceConfig, type InstanceStatus } from '../../src-main/common/model';
import { odooRecordUrl } from '../../src-main/common/odoo-urls';
import type { RecordFacts } from '../../src-main/common/services';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { Guarded } from '../team/access';
import { EVENT_ICON } from '../ui/event-style';
import { ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { OriginBadge } from '../ui/origin-badge';
import { hasServerRow } from '../instances/watching';
import { FieldChangeList, ValueHistory } from '../values/FieldChanges';
import { appEvents } from '../workbench/app-events';
import { useInstanceNames } from '../workbench/instance-names';

/** The drawer for one row. */
export function DetailsDrawer({
  row: shown,
  instance,
  status,
  hostKind,
  dataVersion = 0,
  onClose,
  onSelect,
  onDelete,
  onFilter,
}: {
  row: ChangeRow;
  instance: InstanceConfig | undefined;
  status: InstanceStatus | undefined;
  hostKind: 'electron' | 'browser' | undefined;
  /** Bumped when mirrored rows were removed or refreshed: the record's history is asked again. */
  dataVersion?: number;
  onClose(): void;
  onSelect(row: ChangeRow): void;
  onDelete(row: ChangeRow): void;
  /** Narrows the timeline to this user's changes or to writes of one field (our addon's richer fields). */
  onFilter(patch: { users: string[] } | { changedField: string }): void;
}) {
  const services = useServices();
  const translator = useTranslator();
  const { t } = translator;
  const [history, setHistory] = useState<ChangeRow[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [copied, setCopied] = useState(false);
  const [facts, setFacts] = useState<RecordFacts>();
  const instanceName = useInstanceNames();

  // The record's name and whether it still exists, from its server: asked once per record (the service
  // caches), shown when it arrives; the drawer never waits for it.
  useEffect(() => {
    let live = true;
    setFacts(undefined);
    services.records.describe(shown.instanceId, shown.model, shown.recordId).then(
      (answer) => {
        if (!live) return;
        setFacts(answer);
        appEvents.emit('record-described', { key: shown.key, name: answer.displayName ?? '', exists: answer.exists ?? null });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [services, shown.key, shown.instanceId, shown.model, shown.recordId]);

  useEffect(() => {
    setHistory(undefined);
    setError(undefined);
    appEvents.emit('details-opened', { key: shown.key });
  }, [shown.key]);

  // Asked again when mirrored rows were removed or refreshed; the old history stays until the new one is in.
  useEffect(() => {
    let live = true;
    services.changes.recordHistory(shown.instanceId, shown.model, shown.recordId).then(
      (rows) => live && (setHistory(rows), setError(undefined)),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [services, shown.key, shown.instanceId, shown.model, shown.recordId, dataVersion]);

  // The row as the mirror holds it now (its history includes it): removed meanwhile shows as removed.
  const row = history?.find((other) => other.key === shown.key) ?? shown;

  // A deleted record has nothing to open: deleted in the log (this row or a later one), or gone on the server.
  const deleted = row.event === 'unlink' || !!history?.some((other) => other.event === 'unlink') || facts?.exists === false;
  const url = instance && !deleted
    ? odooRecordUrl({ baseUrl: instance.url, model: row.model, recordId: row.recordId, serverVersion: status?.serverVersion, db: facts?.singleDatabase ? undefined : instance.db })
    : undefined;
  const fields: [string, React.ReactNode][] = [
    [t('timeline.instance'), instanceName(row.instanceId)],
    [t('timeline.model'), `${translator.model(row.model)} (${row.model})`],
    [t('timeline.record'), translator.id(row.recordId)],
    [t('timeline.event'), t(`event.${row.event}` as MessageKey)],
    [t('details.timestamp'), <span title={`${row.timestamp} ${t('details.utc')}`}>{translator.dateTime(row.timestamp)}</span>],
    [t('details.utc'), <bdi>{row.timestamp}</bdi>],
    [t('details.firstSeen'), translator.dateTime(row.firstSeenAt)],
    [t('details.origin'), <OriginBadge origin={row.origin} />],
  ];
  // Only a module-log row has a row id on the server; other sources' ids are the app's own (negative).
  if (row.serverId > 0) fields.splice(fields.length - 1, 0, [t('details.serverId'), translator.id(row.serverId)]);
  if (row.userName) {
    const user = row.userName;
    fields.push([
      t('timeline.user'),
      <button type="button" className="link-button" data-testid="filter-by-user" title={t('filter.byUser')} onClick={() => onFilter({ users: [user] })}>
        <Icon name="filter" /> <bdi>{user}</bdi>
      </button>,
    ]);
  }
  if (row.changedFields?.length) {
    fields.push([
      t('timeline.fields'),
      <span className="field-links">
        {row.changedFields.map((field) => (
          <button key={field} type="button" className="link-button" data-testid="filter-by-field" title={t('filter.byField', { field })} onClick={() => onFilter({ changedField: field })}>
            <bdi>{field}</bdi>
          </button>
        ))}
      </span>,
    ]);
  }
  if (row.changeCount !== undefined) fields.push([t('details.changeCount'), translator.number(row.changeCount)]);
  if (row.removedAt) {
    fields.push([t('details.removedAt'), translator.dateTime(row.removedAt)]);
    fields.push([t('details.removedBy'), t(row.removedBy === 'user' ? 'details.removedBy.user' : 'details.removedBy.server')]);
  }

  const others = history?.filter((other) => other.key !== row.key) ?? [];
  return (
    <aside className="drawer" aria-label={t('details.title')} data-testid="details-drawer" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <header className="drawer-header">
        <Icon name={EVENT_ICON[row.event]} className={`event-icon event-${row.event}`} />
        <h2>
          {translator.model(row.model)} <bdi>#{translator.id(row.recordId)}</bdi>
          {facts?.displayName && (
            <span className="drawer-record-name" data-testid="record-name">
              {' · '}
              <bdi>{facts.displayName}</bdi>
            </span>
          )}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('details.close')}>
          <Icon name="close" />
        </button>
      </header>
      <div className="drawer-actions">
        {url &&
          (hostKind === 'electron' ? (
            <button type="button" className="button" data-testid="open-in-odoo" data-url={url} onClick={() => void services.host.openExternal(url)}>
              <Icon name="link-external" /> {t('details.openInOdoo')}
            </button>
          ) : (
            <a className="button" data-testid="open-in-odoo" href={url} target="_blank" rel="noreferrer noopener">
              <Icon name="link-external" /> {t('details.openInOdoo')}
            </a>
          ))}
        {deleted && (
          <span className="muted" data-testid="record-deleted">
            <Icon name="circle-slash" /> {t('details.recordDeleted')}
          </span>
        )}
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(JSON.stringify(row, null, 2)).then(() => setCopied(true));
          }}
        >
          <Icon name={copied ? 'check' : 'copy'} /> {copied ? t('details.copied') : t('details.copyJson')}
        </button>
        {!row.removedAt && hasServerRow(row, instance) && (
          <Guarded instance={instance} action="delete">
            <button type="button" className="button secondary danger" onClick={() => onDelete(row)}>
              <Icon name="trash" /> {t('details.delete')}
            </button>
          </Guarded>
        )}
      </div>
      {row.values?.length ? (
        <>
          <h3>{t('values.title')}</h3>
          <FieldChangeList values={row.values} origin={row.origin} />
        </>
      ) : null}
      <dl className="field-list">
        {fields.map(([label, value]) => (
          <div key={label} className="field">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>{t('details.history')}</h3>
      {error !== undefined && <ErrorBanner error={error} />}
      {history === undefined && error === undefined && <Skeleton lines={3} />}
      {history && others.length === 0 && <p className="muted">{t('details.noHistory')}</p>}
      <ul className="history-list">
        {others.map((other) => (
          <li key={other.key}>
            <button type="button" className={`history-item event-${other.event}`} onClick={() => onSelect(other)}>
              <Icon name={EVENT_ICON[other.event]} />
              <span>{t(`event.${other.event}` as MessageKey)}</span>
              <span className="muted" title={t('common.utcTime', { time: other.timestamp })}>{translator.dateTime(other.timestamp)}</span>
              {other.removedAt && <Icon name="circle-slash" label={t('timeline.removed')} />}
            </button>
          </li>
        ))}
      </ul>
      {history && <ValueHistory rows={history} />}
    </aside>
  );
}
