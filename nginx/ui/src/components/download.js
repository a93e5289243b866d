// A file from the API (an export): fetched with the session's cookie and
// handed to the browser as a download under the server's file name.
import { query } from '../api/client.js'

export async function download(path, params) {
  const resp = await fetch('/api' + path + query(params), { credentials: 'same-origin' })
  if (!resp.ok) {
    let msg = '导出失败（' + resp.status + '）'
    try { msg = (await resp.json()).error.message || msg } catch (e) { /* not JSON */ }
    throw new Error(msg)
  }
  const blob = await resp.blob()
  const cd = resp.headers.get('Content-Disposition') || ''
  let name = path.split('/').pop()
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)
  const plain = /filename="?([^";]+)"?/i.exec(cd)
  if (star) name = decodeURIComponent(star[1])
  else if (plain) name = plain[1]
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
