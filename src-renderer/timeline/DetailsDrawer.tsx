/** The details drawer: every field of a change, the record's other events, Open in Odoo, copy as JSON. */
import { useEffect, useState } from 'react';
import { type ChangeRow, type InstanceConfig, type InstanceStatus } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { EVENT_ICON } from '../ui/event-style';
import { ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { appEvents } from '../workbench/app-events';
import { useInstanceNames } from '../workbench/instance-names';

/** The record's URL in Odoo's web client: `/odoo/<model>/<id>` from 18 on, `/web#…` before. */
export function odooRecordUrl(baseUrl: string, model: string, recordId: number, serverVersion: string | undefined): string {
  const base = baseUrl.replace(/\/+$/, '');
  const major = Number.parseInt(serverVersion ?? '', 10);
  if (Number.isFinite(major) && major < 18) return `${base}/web#id=${recordId}&model=${encodeURIComponent(model)}&view_type=form`;
  return `${base}/odoo/${encodeURIComponent(model)}/${recordId}`;
}

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
  const instanceName = useInstanceNames();

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

  const url = instance ? odooRecordUrl(instance.url, row.model, row.recordId, status?.serverVersion) : undefined;
  const fields: [string, React.ReactNode][] = [
    [t('timeline.instance'), instanceName(row.instanceId)],
    [t('timeline.model'), `${translator.model(row.model)} (${row.model})`],
    [t('timeline.record'), translator.id(row.recordId)],
    [t('timeline.event'), t(`event.${row.event}` as MessageKey)],
    [t('details.timestamp'), <span title={`${row.timestamp} ${t('details.utc')}`}>{translator.dateTime(row.timestamp)}</span>],
    [t('details.utc'), <bdi>{row.timestamp}</bdi>],
    [t('details.firstSeen'), translator.dateTime(row.firstSeenAt)],
    [t('details.serverId'), translator.id(row.serverId)],
  ];
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
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('details.close')}>
          <Icon name="close" />
        </button>
      </header>
      <div className="drawer-actions">
        {url &&
          (hostKind === 'electron' ? (
            <button type="button" className="button" onClick={() => void services.host.openExternal(url)}>
              <Icon name="link-external" /> {t('details.openInOdoo')}
            </button>
          ) : (
            <a className="button" href={url} target="_blank" rel="noreferrer noopener">
              <Icon name="link-external" /> {t('details.openInOdoo')}
            </a>
          ))}
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(JSON.stringify(row, null, 2)).then(() => setCopied(true));
          }}
        >
          <Icon name={copied ? 'check' : 'copy'} /> {copied ? t('details.copied') : t('details.copyJson')}
        </button>
        {!row.removedAt && (
          <button type="button" className="button secondary danger" onClick={() => onDelete(row)}>
            <Icon name="trash" /> {t('details.delete')}
          </button>
        )}
      </div>
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
    </aside>
  );
}
