import { ConfigError, loadConfig, type Config } from './config.js';
import { composeApp } from './app.js';
import { migrate, openDb } from './db/index.js';
import { DbClock } from './db/db-clock.js';
import { loadOrCreateSecret } from './lib/secret.js';

/**
 * The process: configuration, database, migrations, the app, listening, and a graceful close on
 * SIGINT/SIGTERM. Everything else lives in composeApp() so that tests never need a process.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const db = await openDb(config);
  const applied = await migrate(db);
  const secret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
  // Every process measures "now" on the database clock, so that they agree on what is due.
  const clock = new DbClock(db);
  await clock.start();
  const { app, background } = await composeApp({
    config,
    db,
    secret,
    clock,
    logger: { level: config.logLevel },
  });
  if (applied.length) app.log.info({ applied }, 'migrations applied');

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    timer.unref();
    try {
      await app.close();
      clock.stop();
      await db.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  // Housekeeping stays with the api processes, which always exist beside dispatchers: a
  // dispatcher keeps its connections and event loop for deliveries (docs/operations.md).
  if (config.role !== 'dispatcher') background.housekeeping.start();
  if (config.delivery.dispatcherEnabled) await background.dispatcher.start();
  app.log.info(
    `Herald (${config.role}) on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (database: ${db.kind})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
