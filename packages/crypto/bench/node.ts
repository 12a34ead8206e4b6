/**
 * `npx tsx packages/crypto/bench/node.ts [--scale 0.2]`: the library's costs in Node, with the
 * WebCrypto curves (as browsers that have them) and with the pure-JS fallback. Prints JSON.
 */
import { measure } from './measure.js';

const scaleIndex = process.argv.indexOf('--scale');
const scale = scaleIndex > 0 ? Number(process.argv[scaleIndex + 1]) : 1;
const results = { node: process.version, auto: await measure('auto', scale), noble: await measure('noble', scale) };
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
