/**
 * The names people see for the tracked models, in English and Arabic ("Contact" for `res.partner`), so
 * that what is searched for matches what is shown: the timeline's free text finds rows by these labels
 * in either language, as it finds them by technical name. The renderer's catalogues and the reports show
 * the same labels (test/unit/common/model-labels.test.ts keeps them equal).
 */
import { TRACKED_MODELS } from './model';

/** Languages the labels exist in. */
export type LabelLanguage = 'en' | 'ar';

/** Each tracked model's label, per language. */
export const MODEL_LABELS: Readonly<Record<LabelLanguage, Readonly<Record<string, string>>>> = {
  en: TRACKED_MODELS,
  ar: {
    'sale.order': 'أمر بيع',
    'product.template': 'منتج',
    'product.category': 'فئة منتج',
    'res.partner': 'جهة اتصال',
    'account.move': 'قيد يومية',
    'account.journal': 'دفتر يومية',
    'hr.expense': 'مصروف',
    'stock.picking': 'تحويل مخزني',
    'purchase.order': 'أمر شراء',
    'hr.employee': 'موظف',
  },
};

/** The tracked models whose label, in any language, contains `word` (case-insensitive), e.g. "contact" → res.partner. */
export function modelsLabelled(word: string): string[] {
  const wanted = word.toLocaleLowerCase();
  if (!wanted) return [];
  const models = new Set<string>();
  for (const labels of Object.values(MODEL_LABELS)) {
    for (const [model, label] of Object.entries(labels)) if (label.toLocaleLowerCase().includes(wanted)) models.add(model);
  }
  return [...models];
}
