/** The timeline's filter bar: facets with counts, record id, free text and time presets. */
import { memo, useEffect, useRef, useState } from 'react';
import { type ChangeEvent, type ChangeFilter, type Facets, type InstanceConfig } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { Icon } from '../ui/primitives';
import { useInstanceNames } from '../workbench/instance-names';
import type { TimePreset } from '../workbench/store';
import { FacetMenu } from './FacetMenu';
import { fromEndInput, fromLocalInput, presetFrom, toEndInput, toLocalInput } from './time-presets';

const PRESETS: TimePreset[] = ['all', '15m', '1h', '24h', '7d', 'custom'];


/** The record id a field holds: a whole number ≥ 1, undefined when empty, null while it is neither (not applied). */
function recordIdOf(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Edits a tab's filter. */
export const FilterBar = memo(function FilterBar({
  filter,
  preset,
  facets,
  instances,
  lockedInstance,
  onChange,
}: {
  filter: ChangeFilter;
  preset: TimePreset;
  facets: Facets | undefined;
  instances: InstanceConfig[];
  lockedInstance: boolean;
  onChange(filter: ChangeFilter, preset: TimePreset): void;
}) {
  const translator = useTranslator();
  const { t } = translator;
  const modelLabel = (model: string) => {
    const human = translator.model(model);
    return human === model ? model : `${human} (${model})`;
  };
  const [text, setText] = useState(filter.text ?? '');
  const [recordId, setRecordId] = useState(filter.recordId === undefined ? '' : String(filter.recordId));
  const [value, setValue] = useState(filter.value?.text ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  useEffect(() => setValue(filter.value?.text ?? ''), [filter.value?.text]);
  useEffect(() => setRecordId(filter.recordId === undefined ? '' : String(filter.recordId)), [filter.recordId]);

  // Typing is debounced so a million-row count is not asked for on every key. The record id applies
  // live like the text; each applies onto the filter as it is when it fires, so neither undoes the other.
  const latest = useRef({ filter, preset });
  latest.current = { filter, preset };
  useEffect(() => {
    const value = text.trim() || undefined;
    if (value === filter.text) return;
    const handle = setTimeout(() => onChange({ ...latest.current.filter, text: value }, latest.current.preset), 250);
    return () => clearTimeout(handle);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const value = recordIdOf(recordId);
    if (value === null || value === filter.recordId) return;
    const handle = setTimeout(() => onChange({ ...latest.current.filter, recordId: value }, latest.current.preset), 250);
    return () => clearTimeout(handle);
  }, [recordId]); // eslint-disable-line react-hooks/exhaustive-deps

  // "Value contained Y": the old or new value of the chosen field (else of any field), debounced too.
  useEffect(() => {
    const wanted = value.trim();
    if (wanted === (filter.value?.text ?? '')) return;
    const handle = setTimeout(() => onChange({ ...latest.current.filter, value: wanted ? { text: wanted } : undefined }, latest.current.preset), 250);
    return () => clearTimeout(handle);
  }, [value]); // eslint-disable-line react-hooks/exhaustive-deps

  /** Enter and leaving the field apply at once. */
  const commitRecordId = () => {
    const value = recordIdOf(recordId);
    if (value !== null && value !== filter.recordId) onChange({ ...filter, recordId: value }, preset);
  };
  const instanceName = useInstanceNames();
  const set = (patch: Partial<ChangeFilter>) => onChange({ ...filter, ...patch }, preset);
  const removeUser = (user: string) => {
    const users = (filter.users ?? []).filter((other) => other !== user);
    set({ users: users.length ? users : undefined });
  };
  const hasFilters = !!(
    (!lockedInstance && filter.instanceIds?.length) ||
    filter.models?.length ||
    filter.events?.length ||
    filter.recordId ||
    filter.text ||
    filter.users?.length ||
    filter.changedField ||
    filter.value ||
    filter.from ||
    filter.to ||
    (filter.presence && filter.presence !== 'all')
  );

  return (
    <div className="filter-bar" role="search" aria-label={t('filter.label')}>
      <div className="filter-row">
        <div className="filter-search">
          <Icon name="search" />
          <input
            type="search"
            data-filter-text
            data-testid="filter-text"
            placeholder={t('filter.text')}
            aria-label={t('filter.text')}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <input
          type="number"
          className="filter-record"
          min={1}
          placeholder={t('filter.recordId')}
          aria-label={t('filter.recordId')}
          data-testid="filter-record"
          value={recordId}
          onChange={(event) => setRecordId(event.target.value)}
          onBlur={commitRecordId}
          onKeyDown={(event) => event.key === 'Enter' && commitRecordId()}
        />
        {!lockedInstance && (
          <FacetMenu
            label={t('filter.instance')}
            testId="facet-instance"
            values={facets?.instances ?? []}
            selected={filter.instanceIds ?? []}
            describe={instanceName}
            onChange={(values) => set({ instanceIds: values.length ? values : undefined })}
          />
        )}
        <FacetMenu
          label={t('filter.model')}
          testId="facet-model"
          values={facets?.models ?? []}
          selected={filter.models ?? []}
          describe={modelLabel}
          onChange={(values) => set({ models: values.length ? values : undefined })}
        />
        <FacetMenu
          label={t('filter.event')}
          testId="facet-event"
          values={facets?.events ?? []}
          selected={filter.events ?? []}
          describe={(value) => t(`event.${value}` as MessageKey)}
          onChange={(values) => set({ events: values.length ? (values as ChangeEvent[]) : undefined })}
        />
        {facets?.fields && (
          <FacetMenu
            label={t('filter.field')}
            testId="facet-field"
            values={facets.fields}
            selected={filter.changedField ? [filter.changedField] : []}
            describe={(field) => {
              const label = facets.fields?.find((facet) => facet.value === field)?.label;
              return label ? `${label} (${field})` : field;
            }}
            // One field at a time: the newest pick wins.
            onChange={(values) => set({ changedField: values[values.length - 1] })}
          />
        )}
        <input
          type="search"
          className="filter-value"
          placeholder={filter.changedField ? t('filter.valueOf', { field: filter.changedField }) : t('filter.value')}
          aria-label={t('filter.value')}
          data-testid="filter-value"
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <select
          className="filter-presence"
          aria-label={t('filter.presence')}
          value={filter.presence ?? 'all'}
          onChange={(event) => set({ presence: event.target.value === 'all' ? undefined : (event.target.value as ChangeFilter['presence']) })}
        >
          <option value="all">{t('filter.presence.all')}</option>
          <option value="present">{t('filter.presence.present')}</option>
          <option value="removed">{t('filter.presence.removed')}</option>
        </select>
        {filter.users?.map((user) => (
          <span key={user} className="filter-chip" data-testid="chip-user">
            <bdi>{t('filter.userChip', { user })}</bdi>
            <button type="button" className="icon-button" aria-label={t('filter.removeChip')} onClick={() => removeUser(user)}>
              <Icon name="close" />
            </button>
          </span>
        ))}
        {filter.changedField && (
          <span className="filter-chip" data-testid="chip-field">
            <bdi>{t('filter.fieldChip', { field: filter.changedField })}</bdi>
            <button type="button" className="icon-button" aria-label={t('filter.removeChip')} onClick={() => set({ changedField: undefined })}>
              <Icon name="close" />
            </button>
          </span>
        )}
        {hasFilters && (
          <button
            type="button"
            className="link-button"
            onClick={() => onChange(lockedInstance && filter.instanceIds ? { instanceIds: filter.instanceIds } : {}, 'all')}
          >
            {t('filter.clear')}
          </button>
        )}
      </div>
      <div className="filter-row">
        <div className="segmented" role="radiogroup" aria-label={t('filter.time')}>
          {PRESETS.map((value) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={preset === value}
              className={preset === value ? 'selected' : ''}
              data-testid={`preset-${value}`}
              onClick={() => {
                if (value === 'custom') onChange(filter, 'custom');
                else onChange({ ...filter, from: presetFrom(value), to: undefined }, value);
              }}
            >
              {t(`filter.preset.${value}` as MessageKey)}
            </button>
          ))}
        </div>
        {preset === 'custom' && (
          <div className="filter-range">
            <label>
              {t('filter.from')}
              <input type="datetime-local" step={1} data-testid="filter-from" value={toLocalInput(filter.from)} onChange={(event) => set({ from: fromLocalInput(event.target.value) })} />
            </label>
            <label>
              {t('filter.to')}
              {/* Shows the last second included (the filter's end is exclusive), to the second like the start. */}
              <input type="datetime-local" step={1} data-testid="filter-to" value={toEndInput(filter.to)} onChange={(event) => set({ to: fromEndInput(event.target.value) })} />
            </label>
          </div>
        )}
      </div>
    </div>
  );
});
