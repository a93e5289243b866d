import { createRouter, createWebHistory } from 'vue-router'
import { session, loadSession, setUnauthenticatedHandler } from './api/client.js'
import { homeFor } from './areas/shell/menu.js'
import { thisYear } from './api/format.js'
import Layout from './areas/shell/Layout.vue'
import Login from './areas/shell/Login.vue'
import { publicRoutes } from './areas/public/routes.js'

const R = (roles, component, props) => ({ meta: { roles }, component, props })
const all = ['admin', 'province', 'city', 'point', 'editor']

const routes = [
  { path: '/login', component: Login, meta: { public: true } },
  ...publicRoutes,
  {
    path: '/', component: Layout, children: [
      { path: '', redirect: () => homeFor(session.user) },
      { path: 'messages', ...R(all, () => import('./areas/shell/Messages.vue')) },
      { path: 'account', ...R(all, () => import('./areas/shell/Account.vue')) },
      { path: 'help', ...R(all, () => import('./areas/shell/Help.vue')) },
      // 预警点
      { path: 'my', ...R(['point'], () => import('./areas/point/MySubmissions.vue'), { type: '' }) },
      { path: 'my/:type', ...R(['point'], () => import('./areas/point/MySubmissions.vue'), true) },
      { path: 'new/:type', ...R(['point', 'city', 'province'], () => import('./areas/point/EditSubmission.vue'), true) },
      { path: 'submissions/:id', ...R(all, () => import('./areas/point/SubmissionPage.vue'), (r) => ({ id: Number(r.params.id) })) },
      { path: 'submissions/:id/edit', ...R(['point', 'city', 'province'], () => import('./areas/point/EditSubmission.vue'), (r) => ({ id: Number(r.params.id) })) },
      // 地市商务局, 省商务厅
      { path: 'review', ...R(['city', 'province'], () => import('./areas/review/ReviewQueue.vue')) },
      { path: 'review/:id', ...R(['city', 'province'], () => import('./areas/review/ReviewPage.vue'), (r) => ({ id: Number(r.params.id) })) },
      { path: 'opinions', ...R(['province', 'city'], () => import('./areas/review/Opinions.vue')) },
      { path: 'progress', ...R(['province', 'city'], () => import('./areas/review/Progress.vue')) },
      { path: 'city-info', ...R(['city'], () => import('./areas/point/MySubmissions.vue'), { type: 'warning_info' }) },
      { path: 'list/:type', ...R(['province', 'city'], () => import('./areas/province/TypeList.vue'), true) },
      { path: 'internal', ...R(['province'], () => import('./areas/province/InternalExchange.vue')) },
      { path: 'notices', ...R(['province'], () => import('./areas/province/Notices.vue')) },
      // 统计分析, 预警点管理, 评分标准, 账号管理
      { path: 'stats', ...R(['province', 'city'], () => import('./areas/stats/Dashboard.vue')) },
      { path: 'stats/records/:id', ...R(['province', 'city'], () => import('./areas/stats/Records.vue'),
        (r) => ({ id: Number(r.params.id), metric: String(r.query.metric || ''), year: String(r.query.year || thisYear()) })) },
      { path: 'scores/:id', ...R(['province', 'city', 'point'], () => import('./areas/stats/ScorePage.vue'),
        (r) => ({ id: Number(r.params.id), year: String(r.query.year || thisYear()) })) },
      { path: 'points', ...R(['admin', 'province', 'city'], () => import('./areas/points/PointList.vue')) },
      { path: 'points/:id', ...R(['admin', 'province', 'city', 'point'], () => import('./areas/points/PointPage.vue'), (r) => ({ id: Number(r.params.id) })) },
      { path: 'rules', ...R(['admin', 'province'], () => import('./areas/rules/Rules.vue')) },
      { path: 'rules/preview', ...R(['admin', 'province'], () => import('./areas/rules/RulesPreview.vue')) },
      { path: 'users', ...R(['admin'], () => import('./areas/admin/Users.vue')) },
      { path: 'mail', ...R(['admin'], () => import('./areas/admin/MailSettings.vue')) },
      { path: 'channels', ...R(['admin', 'province', 'point'], () => import('./areas/dissem/Channels.vue')) },
      { path: 'deliveries', ...R(['admin', 'province', 'city', 'point'], () => import('./areas/dissem/Deliveries.vue')) },
      { path: 'dissemination', ...R(['admin', 'province', 'city'], () => import('./areas/dissem/DissemStats.vue')) },
      // 杂志编辑
      { path: 'magazine', ...R(['editor'], () => import('./areas/magazine/Magazine.vue')) },
      { path: 'magazine/:id', ...R(['editor'], () => import('./areas/magazine/MagazineItem.vue'), (r) => ({ id: Number(r.params.id) })) },
      { path: ':rest(.*)*', ...R(all, () => import('./areas/shell/NotFound.vue')) },
    ],
  },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  // The public site (预警信息专栏, sub-sites, subscriptions): no session asked.
  if (to.meta.open) return true
  if (!session.checked) await loadSession()
  if (to.meta.public) return true
  if (!session.user) return { path: '/login', query: { redirect: to.fullPath } }
  const roles = to.meta.roles
  if (roles && !roles.includes(session.user.role)) return { path: '/forbidden-' + session.user.role, replace: true }
  return true
})

// A 401 from any call: back to the login page, then back here.
setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value
  if (here.path === '/login') return
  router.push({ path: '/login', query: { redirect: here.fullPath, expired: '1' } })
})
