import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The orchestrator serves the build under /ui: asset URLs carry the prefix, and hashed names
// let it cache them for a year.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
});
