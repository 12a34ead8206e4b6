// A local ESLint rule: import cycles that go through type-only imports.
//
// import-x/no-cycle ignores `import type` (such a cycle never runs), but a type cycle is still the
// coupling we forbid: a layer naming the types of a layer above it (the example was
// http/auth-guard -> modules/auth/index -> auth.routes -> http/auth-guard, closed by a type import).
// This rule walks every import, type-only or not, over import-x's module graph (same resolver and
// parser settings), and reports an import from which the importing file can be reached again.
// Runtime cycles are left to import-x/no-cycle so that each cycle is reported once, by one rule.
import { ModuleInfo } from 'eslint-plugin-import-x/core/index';

const isTypeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.type === 'ImportDeclaration' &&
    node.specifiers.length > 0 &&
    node.specifiers.every((s) => s.importKind === 'type'));

/** The first path back to `filename` from `start` (a list of import sources), or undefined. */
function pathBack(start, filename) {
  const seen = new Set([start.path]);
  const queue = [{ info: start, route: [] }];
  while (queue.length > 0) {
    const { info, route } = queue.shift();
    for (const [path, { resolve, declarations }] of info.getImports()) {
      if (path.includes('/node_modules/')) continue;
      const via = [...route, [...declarations][0]?.source.value ?? path];
      if (path === filename) return via;
      if (seen.has(path)) continue;
      seen.add(path);
      const next = resolve();
      if (next) queue.push({ info: next, route: via });
    }
  }
  return undefined;
}

export const noTypeCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles that pass through type-only imports.' },
    messages: { cycle: 'Import cycle through a type-only import: {{route}} leads back here.' },
    schema: [],
  },
  create(context) {
    const filename = context.physicalFilename;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string' || !node.source.value.startsWith('.')) return;
      const info = ModuleInfo.get(node.source.value, context);
      if (!info || info.path === filename) return;
      const route = pathBack(info, filename);
      if (!route) return;
      // A cycle made only of runtime imports is import-x/no-cycle's to report.
      if (!isTypeOnly(node) && !cycleHasTypeOnlyEdge(info, filename)) return;
      context.report({ node, messageId: 'cycle', data: { route: [node.source.value, ...route].join(' -> ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

/** Whether some path back to `filename` uses a type-only edge (otherwise no-cycle reports it). */
function cycleHasTypeOnlyEdge(start, filename) {
  const seen = new Set([start.path]);
  const queue = [start];
  while (queue.length > 0) {
    const info = queue.shift();
    for (const [path, { resolve, declarations }] of info.getImports()) {
      if (path.includes('/node_modules/')) continue;
      const runtime = [...declarations].some((d) => !d.isOnlyImportingTypes);
      if (!runtime) {
        // A type-only edge: does its far end lead back at all?
        if (path === filename) return true;
        const next = resolve();
        if (next && pathBack(next, filename)) return true;
        continue;
      }
      if (path === filename || seen.has(path)) continue;
      seen.add(path);
      const next = resolve();
      if (next) queue.push(next);
    }
  }
  return false;
}
