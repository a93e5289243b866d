// The ids of the review list last shown, for 上一条 on the review page.
const KEY = 'yj-review-queue'
export function rememberQueue(ids) { sessionStorage.setItem(KEY, JSON.stringify(ids)) }
export function queueIds() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || '[]') } catch (e) { return [] }
}
