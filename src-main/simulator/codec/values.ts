/**
 * The value model shared by the simulator's XML-RPC and JSON codecs: what Python's marshallers can send.
 * JavaScript numbers cannot tell `1.0` from `1`, so values that Odoo sends as Python floats are wrapped.
 */

/** A Python float: serialized as `<double>` / `1.0` even when its value is integral. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Any value the simulator can put on the wire. `null` is Python's None (refused by XML-RPC, allowed in JSON). */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | WireValue[]
  | { [key: string]: WireValue };

/** Python's `repr(float)`: shortest round-trip digits, always with a `.0` or an exponent. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python: 1e+16, 1.5e-05 (two-digit exponent at least)
    const [mantissa, exponent] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}
