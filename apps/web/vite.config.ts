import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The shared contract declares its zod schemas at module level. The web app uses constants from it
 * (error codes, limits, failure texts) and, through the lazy @herald/crypto chunk, the envelope
 * schemas, so each top-level initializer that calls something is wrapped in a pure IIFE here: the
 * bundler then drops the schemas nothing uses. Runs after TypeScript is stripped (no `enforce`).
 */
function pureSharedSchemas(): Plugin {
  const shared = fileURLToPath(new URL('../../packages/shared/src/', import.meta.url));
  type Node = { type: string; start: number; end: number; [key: string]: unknown };
  return {
    name: 'herald:pure-shared-schemas',
    transform(code, id) {
      if (!id.startsWith(shared)) return null;
      const program = this.parse(code) as unknown as { body: Node[] };
      const edits: { start: number; end: number }[] = [];
      for (const statement of program.body) {
        const declaration = (
          statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement
        ) as Node | null;
        if (declaration?.type !== 'VariableDeclaration') continue;
        for (const declarator of declaration.declarations as { init: Node | null }[]) {
          const init = declarator.init;
          if (init && ['CallExpression', 'MemberExpression', 'ObjectExpression', 'NewExpression'].includes(init.type)) {
            edits.push({ start: init.start, end: init.end });
          }
        }
      }
      let out = code;
      for (const { start, end } of edits.reverse()) {
        out = `${out.slice(0, start)}/* @__PURE__ */ (() => (${out.slice(start, end)}))()${out.slice(end)}`;
      }
      return { code: out, map: null };
    },
  };
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Fails the build if zod reaches a chunk that index.html loads (the entry and what it imports
 * statically). Zod and the shared schemas belong to the lazy @herald/crypto chunk: a module is
 * bundled once, so a shell import of a constant from a shared module that also builds schemas
 * (auth.ts, chat.ts, ...) would put that module, the schemas crypto uses from it, and zod back in
 * the first paint. The shell's constants live in schema-free modules (limits.ts, errors.ts,
 * media-types.ts).
 */
function zodOutOfFirstPaint(): Plugin {
  return {
    name: 'herald:zod-out-of-first-paint',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((output) =>
          output.type === 'chunk' ? [[output.fileName, output] as const] : [],
        ),
      );
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      for (const fileName of initial) {
        const zod = chunks.get(fileName)?.moduleIds.filter((id) => /[\\/]node_modules[\\/]zod[\\/]/.test(id)) ?? [];
        if (zod.length > 0) {
          this.error(`zod is in ${fileName}, which index.html loads (see zodOutOfFirstPaint): ${zod[0]}`);
        }
      }
    },
  };
}

/**
 * emoji-picker-react renders its generated CSS as an inline `<style>` element, which the server's
 * Content-Security-Policy (`style-src 'self'`, no 'unsafe-inline') blocks. This swaps that element
 * for a constructed stylesheet (CSSOM, which CSP allows; src/lib/constructed-styles.ts), and, in
 * the build, its icons from `data:` URLs (which `img-src 'self' blob:` blocks) to asset files. The
 * build fails if the library's code no longer has the expected shape, rather than ship a picker
 * without styles or with a CSP violation.
 */
function cspSafeEmojiPicker(): Plugin {
  const styleTag =
    /createElement\("style", \{\s*nonce: nonce,\s*suppressHydrationWarning: true,\s*dangerouslySetInnerHTML: \{\s*__html: stylesheet\.getStyle\(\)\s*\}\s*\}\)/;
  const adopt = here('./src/lib/constructed-styles.ts');
  let build = false;
  return {
    name: 'herald:csp-safe-emoji-picker',
    configResolved(config) {
      build = config.command === 'build';
    },
    transform(code, id) {
      if (!/[\\/]emoji-picker-react[\\/]dist[\\/]emoji-picker-react\.esm\.js$/.test(id.split('?')[0]!)) return null;
      if (!styleTag.test(code)) {
        this.error('emoji-picker-react changed: its inline <style> element was not found (see cspSafeEmojiPicker).');
      }
      let patched = code.replace(styleTag, '(__heraldAdoptStyle("emoji-picker-react", stylesheet.getStyle()), null)');
      if (build) {
        patched = patched.replace(/'data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)'/g, (_, base64: string) => {
          const ref = this.emitFile({ type: 'asset', name: 'emoji-icon.svg', source: Buffer.from(base64, 'base64') });
          return `import.meta.ROLLUP_FILE_URL_${ref}`;
        });
        if (patched.includes('data:image/'))
          this.error('emoji-picker-react has data: images left (see cspSafeEmojiPicker).');
      }
      return {
        code: `import { adoptStyleText as __heraldAdoptStyle } from ${JSON.stringify(adopt)};\n${patched}`,
        map: null,
      };
    },
  };
}

/** Where `npm run dev` sends API and socket traffic (the server's default port). */
const SERVER = process.env.HERALD_SERVER_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), pureSharedSchemas(), cspSafeEmojiPicker(), zodOutOfFirstPaint()],
  // Dependencies are pre-bundled in dev without plugins; this one must go through cspSafeEmojiPicker.
  optimizeDeps: { exclude: ['emoji-picker-react'] },
  resolve: {
    // The web build uses the workspace packages' sources, not their dist.
    alias: {
      '@herald/shared': here('../../packages/shared/src/index.ts'),
      '@herald/crypto': here('../../packages/crypto/src/index.ts'),
    },
  },
  server: {
    port: 5173,
    proxy: {
      // changeOrigin false keeps the browser's Host header, so the server's same-origin check
      // (Origin must equal http://<Host>) passes through the proxy.
      '/api': { target: SERVER, changeOrigin: false },
      '/socket.io': { target: SERVER, changeOrigin: false, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
});
