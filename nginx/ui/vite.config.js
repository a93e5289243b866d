// Built by "npm run build" (nginx/ui/build.sh) into ../www, which nginx
// serves at "/". Templates are compiled here, so the browser never needs
// Vue's runtime compiler (and the CSP can forbid eval).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../www', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // No inline <script>: the module preload helper goes into a chunk.
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
})
