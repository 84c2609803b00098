import { defineConfig, Plugin } from 'vite';

// The dashboard is served by the API at /admin (apps/api/src/http/dashboard.ts). Vite 8 compiles
// TSX with Oxc itself (automatic JSX runtime), so no React plugin is needed for a production build.
/**
 * Asks for the ECharts chunk from index.html (a modulepreload), so that the browser fetches it
 * alongside the app's script, while the server is idle, instead of after the first page's API
 * calls, behind them on the browser's six connections and in the server's queue.
 */
function preloadECharts(): Plugin {
  return {
    name: 'nimbus-preload-echarts',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'echarts');
        if (!chunk) return html;
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/admin/${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  plugins: [preloadECharts()],
  root: import.meta.dirname,
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, reportCompressedSize: false,
    // React Router's "use client" directives mean nothing without server components.
    rollupOptions: { onwarn: (w, warn) => (w.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(w)) },
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
} as Parameters<typeof defineConfig>[0]);
