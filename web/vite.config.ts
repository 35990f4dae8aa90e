import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard is built into the package (dist/web) and served by `modelgate serve`; nothing at run
// time comes from a CDN.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
});
