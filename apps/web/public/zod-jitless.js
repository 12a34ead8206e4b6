// Runs before the app's modules (a classic script; CSP script-src 'self' allows it). Zod, used by
// the shared schemas and @herald/crypto's envelope checks, probes `new Function` to compile fast
// parsers; under Herald's Content-Security-Policy (no 'unsafe-eval') the probe is reported as a
// violation even though zod catches it. This tells zod to use its interpreter from the start.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
