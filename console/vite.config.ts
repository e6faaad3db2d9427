import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// Everything is built into dist/ (no CDN at run time). The API and WebSocket URLs are not baked in: the app
// reads /config.json at start (served by the local stack, deployed next to the app on AWS).
export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    manifest: true,
  },
  server: {
    // `npx vite` against a running `make dev`: the API, the WebSocket and config.json from the stack.
    proxy: {
      "/api": "http://localhost:8010",
      "/config.json": "http://localhost:8010",
      "/ws": { target: "ws://localhost:8010", ws: true },
    },
  },
});
