import { createApp } from 'vue'
import {
  ElAlert, ElBadge, ElButton, ElCard, ElCheckbox, ElConfigProvider, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput, ElInputNumber, ElMenu,
  ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup, ElSelect, ElSubMenu,
  ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElLoading,
} from 'element-plus'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import { router } from './router.js'

const app = createApp(App)
for (const c of [ElAlert, ElBadge, ElButton, ElCard, ElCheckbox, ElConfigProvider, ElDatePicker,
  ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput,
  ElInputNumber, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup,
  ElSelect, ElSubMenu, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag]) {
  app.component(c.name, c)
}
app.use(ElLoading)
app.use(router)
app.mount('#app')
