/** A filter-bar button opening a checkable list of facet values with their counts. */
import { useEffect, useId, useRef, useState } from 'react';
import type { FacetValue } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { Icon } from '../ui/primitives';

/** Multi-select facet: `selected` empty = any. */
export function FacetMenu({
  label,
  values,
  selected,
  describe,
  onChange,
  testId,
}: {
  label: string;
  values: FacetValue[];
  selected: string[];
  describe(value: string): string;
  onChange(selected: string[]): void;
  testId: string;
}) {
  const { t, number } = useTranslator();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  // Selected values stay listed even when the current counts no longer contain them.
  const shown = [...values];
  for (const value of selected) if (!shown.some((facet) => facet.value === value)) shown.push({ value, count: 0 });
  const summary = selected.length === 0 ? t('filter.any') : selected.length === 1 ? describe(selected[0]) : number(selected.length);
  return (
    <div className="facet" ref={root} onKeyDown={(event) => event.key === 'Escape' && open && (event.stopPropagation(), setOpen(false))}>
      <button
        type="button"
        className={`facet-button ${selected.length ? 'active' : ''}`}
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
        data-testid={testId}
      >
        <span className="facet-label">{label}:</span> <span className="facet-value">{summary}</span>
        <Icon name="chevron-down" />
      </button>
      {open && (
        <div className="facet-menu" id={listId} role="group" aria-label={label}>
          {shown.length === 0 && <div className="facet-empty">{t('common.none')}</div>}
          {shown.map((facet) => {
            const checked = selected.includes(facet.value);
            return (
              <label key={facet.value} className="facet-option">
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => onChange(checked ? selected.filter((value) => value !== facet.value) : [...selected, facet.value])}
                />
                <span className="facet-option-label">{describe(facet.value)}</span>
                <span className="facet-count">{number(facet.count)}</span>
              </label>
            );
          })}
          {selected.length > 0 && (
            <button type="button" className="link-button" onClick={() => onChange([])}>
              {t('filter.clear')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
