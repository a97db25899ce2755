/** A running mirror's progress: a bar, rows done of the total, the rate and the time left. */
import { useTranslator } from '../i18n';
import { progressFraction, type SyncProgress } from './sync-progress';

/** The words of a progress: "12,345 of 300,000 rows · 4,100 rows/s · 1.2 min left". */
export function useProgressWords(): (progress: SyncProgress) => string {
  const translator = useTranslator();
  const { t } = translator;
  return (progress) => {
    const parts = [
      progress.total === undefined
        ? t('progress.rowsDone', { done: translator.number(progress.done) })
        : t('progress.rowsOfTotal', { done: translator.number(progress.done), total: translator.number(progress.total) }),
    ];
    if (progress.rowsPerSecond !== undefined) parts.push(t('progress.rate', { rate: translator.number(Math.round(progress.rowsPerSecond)) }));
    if (progress.secondsLeft !== undefined) parts.push(t('progress.left', { time: translator.duration(progress.secondsLeft * 1000) }));
    return parts.join(' · ');
  };
}

/** The bar with its words; `compact` (the status bar) puts them beside a short bar. */
export function SyncProgressBar({ instanceId, progress, compact = false, label }: { instanceId: string; progress: SyncProgress; compact?: boolean; label?: string }) {
  const { t } = useTranslator();
  const words = useProgressWords()(progress);
  const fraction = progressFraction(progress);
  return (
    <span
      className={`sync-progress ${compact ? 'compact' : ''}`}
      data-testid="sync-progress"
      data-instance-id={instanceId}
      data-done={progress.done}
      data-total={progress.total ?? ''}
      data-rate={progress.rowsPerSecond === undefined ? '' : Math.round(progress.rowsPerSecond)}
      data-seconds-left={progress.secondsLeft === undefined ? '' : Math.round(progress.secondsLeft)}
    >
      <span
        className="progress"
        role="progressbar"
        aria-label={label ?? t('progress.mirroring')}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.total === undefined ? undefined : progress.done}
        aria-valuetext={words}
      >
        <span className={`progress-fill ${fraction === undefined ? 'indeterminate' : ''}`} style={fraction === undefined ? undefined : { inlineSize: `${(fraction * 100).toFixed(1)}%` }} />
      </span>
      <span className="sync-progress-words">{label ? `${label} · ${words}` : words}</span>
    </span>
  );
}
