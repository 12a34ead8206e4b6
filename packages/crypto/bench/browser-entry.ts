// Bundled by browser.ts into the benchmark page.
import { measure } from './measure.js';

(globalThis as { heraldBench?: typeof measure }).heraldBench = measure;
