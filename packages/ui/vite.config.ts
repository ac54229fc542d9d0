import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app is served by @orch/webserver from dist/app, under any path: relative asset URLs.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: { outDir: "dist/app", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  worker: { format: "es" },
});
