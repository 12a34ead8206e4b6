/**
 * Zod (the shared schemas, and with them @herald/crypto's envelope checks) probes `new Function`
 * to compile fast parsers; under Herald's Content-Security-Policy (no 'unsafe-eval') the probe is
 * reported as a violation even though zod catches it. Setting zod's global config to `jitless`
 * before any schema parses avoids the probe. The page does this in public/zod-jitless.js (a
 * classic script that runs before every module); the KDF worker imports this module first. No
 * imports here, so that nothing can run before it.
 */
const scope = globalThis as { __zod_globalConfig?: Record<string, unknown> };
scope.__zod_globalConfig = Object.assign(scope.__zod_globalConfig ?? {}, { jitless: true });

export {};
