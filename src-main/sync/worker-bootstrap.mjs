// Runs the TypeScript worker entry from source (vitest, `node --import tsx`): registers tsx's loader in
// this worker thread, then loads the entry. Bundled builds start worker-entry.js directly instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
