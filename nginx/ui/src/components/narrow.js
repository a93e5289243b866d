// True at phone width: lists become cards, the menu a drawer.
import { ref, onMounted, onBeforeUnmount } from 'vue'

export function useNarrow(px = 768) {
  const narrow = ref(window.innerWidth <= px)
  const on = () => { narrow.value = window.innerWidth <= px }
  onMounted(() => window.addEventListener('resize', on))
  onBeforeUnmount(() => window.removeEventListener('resize', on))
  return narrow
}
