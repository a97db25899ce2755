// The few globals every runtime we target (Node, Electron, browsers) provides. `common` is compiled
// without Node or DOM typings so that nothing runtime-specific can creep in; these are declared by hand.
declare const console: { error(...data: unknown[]): void; warn(...data: unknown[]): void; log(...data: unknown[]): void };
declare function queueMicrotask(callback: () => void): void;
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
interface AbortSignal {
  readonly aborted: boolean;
}
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
/** The WHATWG URL parser (Node and browsers): only what common uses. */
declare class URL {
  constructor(input: string, base?: string);
  readonly origin: string;
  readonly protocol: string;
}
