// The UI's time formatting (nginx/ui/src/api/format.js), alone: every time
// is shown as Beijing wall-clock time, whatever the zone of the browser:
// the results hold in any zone this process runs in (try
// TZ=America/Los_Angeles node --test tests/ui/format.test.mjs).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { time, nowIso, thisYear } from '../../nginx/ui/src/api/format.js'

test('times: the API\'s +08:00 shown as written, other offsets moved to Beijing', () => {
  assert.equal(time('2019-01-18T17:28:04+08:00'), '2019-01-18 17:28:04')
  assert.equal(time('2019-01-18T09:28:04Z'), '2019-01-18 17:28:04')
  assert.equal(time('2019-01-18T09:28:04.123Z'), '2019-01-18 17:28:04')
  assert.equal(time('2019-01-17T20:28:04-05:00'), '2019-01-18 09:28:04')
  assert.equal(time('2019-12-31T16:00:00Z'), '2020-01-01 00:00:00')
  assert.equal(time('2019-01-18 17:28:04'), '2019-01-18 17:28:04')
  assert.equal(time(null), '')
  assert.equal(time('2019'), '2019')
})

test('now and this year in Beijing, not in the browser\'s zone', () => {
  const real = Date.now
  try {
    Date.now = () => Date.parse('2026-12-31T17:00:00Z')    // 2027-01-01 01:00 in Beijing
    assert.equal(thisYear(), 2027)
    assert.equal(nowIso(), '2027-01-01T01:00:00+08:00')
    Date.now = () => Date.parse('2026-12-31T15:59:59Z')
    assert.equal(thisYear(), 2026)
    assert.equal(time(nowIso()), '2026-12-31 23:59:59')
  } finally { Date.now = real }
})
