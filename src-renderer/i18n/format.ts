/**
 * ICU-lite message formatting: `{name}` placeholders and
 * `{count, plural, =0 {none} one {# row} other {# rows}}` with the locale's plural rules.
 * Numbers in parameters are localized (Arabic gets Arabic-Indic digits through 'ar-EG').
 */

/** Values a message can interpolate. */
export type MessageParams = Readonly<Record<string, string | number | undefined>>;

/** Number formats and plural rules per locale: building them costs far more than using them. */
const formatters = new Map<string, { numbers: Intl.NumberFormat; rules: Intl.PluralRules }>();

function formattersFor(locale: string): { numbers: Intl.NumberFormat; rules: Intl.PluralRules } {
  let found = formatters.get(locale);
  if (!found) formatters.set(locale, (found = { numbers: new Intl.NumberFormat(locale), rules: new Intl.PluralRules(locale) }));
  return found;
}

/** Formats one catalogue message for `locale`. Unknown placeholders are left visible, not dropped. */
export function formatMessage(message: string, params: MessageParams | undefined, locale: string): string {
  if (!params || !message.includes('{')) return message;
  const { numbers, rules } = formattersFor(locale);
  let out = '';
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf('{', i);
    if (open < 0) {
      out += message.slice(i);
      break;
    }
    out += message.slice(i, open);
    const close = matchingBrace(message, open);
    if (close < 0) {
      out += message.slice(open);
      break;
    }
    out += formatArgument(message.slice(open + 1, close), params, numbers, rules, locale);
    i = close + 1;
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function formatArgument(
  body: string,
  params: MessageParams,
  numbers: Intl.NumberFormat,
  rules: Intl.PluralRules,
  locale: string,
): string {
  const comma = body.indexOf(',');
  if (comma < 0) {
    const name = body.trim();
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? numbers.format(value) : value;
  }
  const name = body.slice(0, comma).trim();
  const rest = body.slice(comma + 1);
  const kindEnd = rest.indexOf(',');
  const kind = rest.slice(0, kindEnd).trim();
  const value = params[name];
  if (kind !== 'plural' || typeof value !== 'number') return `{${name}}`;
  const options = parseOptions(rest.slice(kindEnd + 1));
  const chosen = options.get(`=${value}`) ?? options.get(rules.select(value)) ?? options.get('other') ?? '';
  // `#` is the number; nested placeholders inside the branch are formatted too.
  return formatMessage(chosen.replace(/#/g, numbers.format(value)), params, locale);
}

function parseOptions(text: string): Map<string, string> {
  const options = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const key = text.slice(i, open).trim();
    const close = matchingBrace(text, open);
    if (close < 0) break;
    options.set(key, text.slice(open + 1, close));
    i = close + 1;
  }
  return options;
}
