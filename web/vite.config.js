// Vite builds the explorer into the Python package's static folder, which
// `koppel serve` serves at `/` (index.html) and `/assets/...`.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
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
