/** The cron checker: valid forms pass, malformed fields and never-firing dates are caught at the right field. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkCron } from '../server/src/config/cron';

test('valid cron expressions and macros pass', () => {
  for (const c of ['0 3 * * 1', '*/15 * * * *', '0 0 1,15 * *', '30 2 * jan-mar mon-fri', '0 0 29 2 *', '0 12 31 1,2 *', '0 0 30 2 1', '0 0 * * 7', '5-55/10 */2 * * *', '@daily', '@HOURLY', ' 0 3 * * 1 ']) {
    assert.equal(checkCron(c), undefined, c);
  }
});

test('malformed expressions point at the offending field', () => {
  const cases: [string, string, RegExp][] = [
    ['61 * * * *', '61', /Minute 61 is out of range; it must be 0-59/],
    ['0 24 * * *', '24', /Hour 24 is out of range/],
    ['0 0 0 * *', '0', /Day of month 0 is out of range; it must be 1-31/],
    ['0 0 * 13 *', '13', /Month 13 is out of range/],
    ['0 0 * * 8', '8', /Day of week 8 is out of range/],
    ['0 0 * * 5-1', '5-1', /runs backwards/],
    ['*/0 * * * *', '*/0', /step .* at least 1/],
    ['0 0 * * xyz', 'xyz', /not a valid day of week/],
    ['0 3 * *', '0 3 * *', /has 5 fields .* this one has 4/],
    ['@fortnightly', '@fortnightly', /Unknown cron macro/],
  ];
  for (const [expr, field, message] of cases) {
    const p = checkCron(expr);
    assert.ok(p, expr);
    assert.match(p.message, message, expr);
    assert.equal(expr.slice(p.start, p.end), field, expr);
  }
});

test('dates that never occur are reported when the weekday does not rescue them', () => {
  const p = checkCron('0 3 30,31 2 *')!;
  assert.match(p.message, /never fires: day 30, 31 does not occur in February/);
  assert.equal(checkCron('0 3 31 4,6,9,11 *')?.message, 'This schedule never fires: day 31 does not occur in April, June, September, November.');
  assert.equal(checkCron('0 3 31 4,5 *'), undefined); // May 31 exists
});
