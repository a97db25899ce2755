/** Issue 14, item 12: the labels searched are the labels shown, in the timeline, the reports and both catalogues. */
import { describe, expect, it } from 'vitest';
import { MODEL_LABELS, modelsLabelled } from '../../../src-main/common/model-labels';
import { reportStrings } from '../../../src-main/reports/strings';
import { createTranslator } from '../../../src-renderer/i18n';

describe('model labels', () => {
  it('are the ones the workbench and the reports show, in English and Arabic', () => {
    for (const language of ['en', 'ar'] as const) {
      const translator = createTranslator(language);
      for (const [model, label] of Object.entries(MODEL_LABELS[language])) {
        expect(translator.model(model), `${language} ${model}`).toBe(label);
        expect(reportStrings(language).modelNames[model], `${language} ${model}`).toBe(label);
      }
    }
  });

  it('find models by any part of their label, in either language, ignoring case', () => {
    expect(modelsLabelled('Contact')).toEqual(['res.partner']);
    expect(modelsLabelled('contact')).toEqual(['res.partner']);
    expect(modelsLabelled('جهة')).toEqual(['res.partner']);
    expect(modelsLabelled('order').sort()).toEqual(['purchase.order', 'sale.order']);
    expect(modelsLabelled('')).toEqual([]);
  });
});
