// Vite builds the explorer into the Python package's static folder, which
// `koppel serve` serves at `/` (index.html) and `/assets/...`.
import { defineConfig } from 'vite';
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

// Swagger UI for the API's /docs page (api/docs.py), served by koppel itself, not a CDN:
// its JS and CSS come from the swagger-ui-dist package into <outDir>/swagger-ui after the build.
const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'LICENSE', 'NOTICE'];
function swaggerUiAssets() {
  let outDir;
  return {
    name: 'koppel-swagger-ui-assets',
    configResolved(config) { outDir = resolve(config.root, config.build.outDir); },
    closeBundle() {
      const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      const to = join(outDir, 'swagger-ui');
      mkdirSync(to, { recursive: true });
      for (const name of SWAGGER_UI_FILES) cpSync(join(from, name), join(to, name));
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [swaggerUiAssets()],
  build: {
    outDir: '../api/static',
    emptyOutDir: true,
    // Everything is bundled: the page loads nothing from the internet.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // src/i18n.js imports ../graph/words.json (the enum words the brief shares).
    fs: { allow: ['..'] },
    // `npm run dev` against a running `koppel serve` (default port below).
    proxy: { '/api': process.env.KOPPEL_API ?? 'http://127.0.0.1:8000' },
  },
  test: {
    include: ['src/**/*.test.js', 'test/**/*.test.js'],
    environment: 'node',
  },
});
