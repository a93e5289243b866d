// How an API error reaches the user: next to its field when it names one,
// as a message otherwise; a 409 offers to reload what changed.
import { ElMessage, ElMessageBox } from 'element-plus'

export function fieldErrors() { return {} }

export function clearErrors(errors) { for (const k of Object.keys(errors)) delete errors[k] }

// Returns true when the error was shown next to a field of `errors`.
export async function showError(e, errors, reload) {
  if (errors) clearErrors(errors)
  if (e && e.status === 409) {
    try {
      await ElMessageBox.confirm((e.message || '该信息已被他人修改') + '。是否重新加载最新内容？',
        '信息已变更', { confirmButtonText: '重新加载', cancelButtonText: '取消', type: 'warning' })
      if (reload) await reload()
    } catch (x) { /* cancelled */ }
    return false
  }
  if (e && e.status === 401) return false
  if (errors && e && e.field) {
    errors[e.field] = e.message
    return true
  }
  ElMessage({ type: 'error', message: (e && e.message) || '操作失败', showClose: true, duration: 5000 })
  return false
}

export function ok(message) { ElMessage({ type: 'success', message, duration: 2500 }) }
