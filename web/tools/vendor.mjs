// vendor.mjs: copies the browser modules the UI imports (Preact, hooks, htm, signals, uPlot)
// from node_modules into web/vendor/, with their licences. Run by npm's postinstall; the copies
// are committed, so heime serves a working UI without npm or a build step (see docs/ui.md).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nm = join(root, 'node_modules');
const out = join(root, 'web', 'vendor');

// [source under node_modules, target under web/vendor]
const files = [
  ['preact/dist/preact.module.js', 'preact.js'],
  ['preact/hooks/dist/hooks.module.js', 'preact-hooks.js'],
  ['htm/dist/htm.module.js', 'htm.js'],
  ['@preact/signals-core/dist/signals-core.module.js', 'signals-core.js'],
  ['@preact/signals/dist/signals.module.js', 'signals.js'],
  ['uplot/dist/uPlot.esm.js', 'uPlot.js'],
  ['uplot/dist/uPlot.min.css', 'uPlot.min.css'],
  ['preact/LICENSE', 'LICENSE.preact'],
  ['htm/LICENSE', 'LICENSE.htm'],
  ['@preact/signals/LICENSE', 'LICENSE.signals'],
  ['uplot/LICENSE', 'LICENSE.uplot'],
];

if (!existsSync(nm)) {
  console.error('vendor: node_modules is missing; run npm ci first');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
for (const [src, dst] of files) {
  const from = join(nm, src);
  if (!existsSync(from)) {
    console.error(`vendor: ${src} is missing`);
    process.exit(1);
  }
  if (dst.endsWith('.js')) {
    // Source maps are not copied, so their references would only cause 404s in devtools.
    const text = readFileSync(from, 'utf8').replace(/\n?\/\/# sourceMappingURL=.*$/m, '');
    writeFileSync(join(out, dst), text);
  } else {
    copyFileSync(from, join(out, dst));
  }
}
console.log(`vendor: ${files.length} files in web/vendor`);
