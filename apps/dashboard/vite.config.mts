import { defineConfig } from 'vite';

// The dashboard is served by the API at /admin (apps/api/src/http/dashboard.ts). Vite 8 compiles
// TSX with Oxc itself (automatic JSX runtime), so no React plugin is needed for a production build.
export default defineConfig({
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
