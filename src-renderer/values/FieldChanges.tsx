/**
 * Old → new values in the workbench: the fields one change touched, and a record's successive values
 * field by field over time. Relations show their names (and ids), lists what was added and removed,
 * texts a word diff, cut values their full length, binary fields only that they changed. What the
 * source cannot know is said (polling merges writes; tracking knows tracked fields only).
 */
import type { ChangeOrigin, ChangeRow, FieldChange, FieldValue } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { wordDiff } from './word-diff';

const TEXT_TYPES = new Set(['char', 'text', 'html']);

function isPair(value: unknown): value is [number, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string';
}

/** One side of a change, for people. */
function Value({ value, type, length, count }: { value: FieldValue | undefined; type?: string; length?: number; count?: number }) {
  const translator = useTranslator();
  const { t } = translator;
  let shown: React.ReactNode;
  if (value === undefined) shown = null;
  else if (value === false) shown = type === 'boolean' ? t('common.no') : <em className="value-empty">{t('values.empty')}</em>;
  else if (value === true) shown = t('common.yes');
  else if (isPair(value)) {
    shown = (
      <>
        <bdi>{value[1]}</bdi> <span className="muted">#{translator.id(value[0])}</span>
      </>
    );
  } else if (Array.isArray(value)) shown = value.length ? <bdi>{(value as [number, string][]).map((pair) => pair[1]).join(', ')}</bdi> : <em className="value-empty">{t('values.empty')}</em>;
  else if (typeof value === 'number') shown = translator.number(value);
  else shown = <bdi>{value}</bdi>;
  return (
    <>
      {shown}
      {length !== undefined && <span className="muted"> {t('values.truncated', { length })}</span>}
      {count !== undefined && Array.isArray(value) && count > value.length && <span className="muted"> {t('values.moreRecords', { count })}</span>}
    </>
  );
}

/** What one field's change did: added/removed records, a word diff of a text, or old → new. */
export function ValueChange({ change }: { change: FieldChange }) {
  const { t } = useTranslator();
  if (change.changed && change.old === undefined && change.new === undefined) return <span className="value-changed">{t('values.changed')}</span>;
  const { old: before, new: after } = change;
  const lists = Array.isArray(before) && !isPair(before) && Array.isArray(after) && !isPair(after);
  if (lists && !change.oldCount && !change.newCount) {
    const oldIds = new Set((before as [number, string][]).map((pair) => pair[0]));
    const newIds = new Set((after as [number, string][]).map((pair) => pair[0]));
    const added = (after as [number, string][]).filter((pair) => !oldIds.has(pair[0]));
    const removed = (before as [number, string][]).filter((pair) => !newIds.has(pair[0]));
    return (
      <span className="value-diff" data-kind="records">
        {added.map((pair) => <ins key={`+${pair[0]}`}><bdi>{pair[1]}</bdi></ins>)}
        {removed.map((pair) => <del key={`-${pair[0]}`}><bdi>{pair[1]}</bdi></del>)}
      </span>
    );
  }
  const texts = typeof before === 'string' && typeof after === 'string' && (change.type === undefined || TEXT_TYPES.has(change.type)) && !change.truncated;
  if (texts && before.includes(' ') && after.includes(' ')) {
    return (
      <bdi className="value-diff" data-kind="text">
        {wordDiff(before, after).map((part, index) => (part.kind === 'same' ? <span key={index}>{part.text}</span> : part.kind === 'added' ? <ins key={index}>{part.text}</ins> : <del key={index}>{part.text}</del>))}
      </bdi>
    );
  }
  return (
    <span className="value-pair">
      <span className="value old" data-side="old">
        <Value value={before} type={change.type} length={change.oldLength} count={change.oldCount} />
      </span>
      <span className="value-arrow" aria-label={t('values.becomes')}>→</span>
      <span className="value new" data-side="new">
        <Value value={after} type={change.type} length={change.newLength} count={change.newCount} />
      </span>
    </span>
  );
}

/** What a source can and cannot know about values, said under them. */
function OriginNote({ origin }: { origin?: ChangeOrigin }) {
  const { t } = useTranslator();
  if (origin === 'polling') return <p className="muted small">{t('values.origin.polling')}</p>;
  if (origin === 'tracking') return <p className="muted small">{t('values.origin.tracking')}</p>;
  return null;
}

/** The fields one change touched, old → new. */
export function FieldChangeList({ values, origin }: { values: readonly FieldChange[]; origin?: ChangeOrigin }) {
  return (
    <>
      <dl className="value-changes" data-testid="value-changes">
        {values.map((change) => (
          <div key={change.field} className="field" data-field={change.field}>
            <dt>
              {change.label ?? change.field}
              {change.label && <span className="technical">{change.field}</span>}
            </dt>
            <dd>
              <ValueChange change={change} />
            </dd>
          </div>
        ))}
      </dl>
      <OriginNote origin={origin} />
    </>
  );
}

/** A record's successive values, field by field, oldest first: its history as a readable diff over time. */
export function ValueHistory({ rows }: { rows: readonly ChangeRow[] }) {
  const translator = useTranslator();
  const { t } = translator;
  const fields = new Map<string, { label: string; entries: { row: ChangeRow; change: FieldChange }[] }>();
  for (const row of [...rows].reverse()) {
    for (const change of row.values ?? []) {
      const field = fields.get(change.field) ?? { label: change.label ?? change.field, entries: [] };
      field.entries.push({ row, change });
      fields.set(change.field, field);
    }
  }
  if (fields.size === 0) return null;
  return (
    <section className="value-history" data-testid="value-history">
      <h3>{t('values.history')}</h3>
      {[...fields.entries()].map(([name, field]) => (
        <div key={name} className="value-history-field" data-field={name}>
          <h4>
            {field.label} <span className="technical">{name}</span>
          </h4>
          <ol>
            {field.entries.map(({ row, change }) => (
              <li key={row.key}>
                <span className="muted" title={t('common.utcTime', { time: row.timestamp })}>
                  {translator.dateTime(row.timestamp)}
                  {row.userName && <> · <bdi>{row.userName}</bdi></>}
                </span>
                <ValueChange change={change} />
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
