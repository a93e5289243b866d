// The public pages (no login): 预警信息专栏, a point's sub-site, and the
// subscription pages the mails link to. meta.open: the router asks for no
// session and sends nobody to the login page; meta.queryInPlace: the page
// follows its query itself instead of being made anew.
import PublicLayout from './PublicLayout.vue'

const id = (r) => ({ id: Number(r.params.id) })

export const publicRoutes = [
  {
    path: '/warnings', component: PublicLayout, meta: { open: true }, children: [
      { path: '', component: () => import('./WarningList.vue') },
      { path: ':id(\\d+)', component: () => import('./WarningPage.vue'), props: id },
    ],
  },
  {
    path: '/site/:id(\\d+)', component: PublicLayout, meta: { open: true }, children: [
      { path: '', component: () => import('./PointSite.vue'), props: id, meta: { queryInPlace: true } },
    ],
  },
  {
    path: '/subscribe', component: PublicLayout, meta: { open: true }, children: [
      { path: '', component: () => import('./Subscribe.vue') },
      { path: 'confirm', component: () => import('./SubscribeConfirm.vue') },
      { path: 'manage', component: () => import('./SubscribeManage.vue') },
      { path: 'unsubscribe', component: () => import('./Unsubscribe.vue') },
    ],
  },
]
