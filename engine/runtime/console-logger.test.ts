import t from 'tap';
import { createConsoleLogger } from './console-logger';

t.test('lines below log_level are dropped; fields and child fields are appended', async (t) => {
  const out: string[] = [];
  const logger = createConsoleLogger({ level: 'info', write: (line) => out.push(line), timestamps: false });
  logger.debug({}, 'hidden');
  logger.info({ key: '272.1', scenario: 'top hiding', gone: undefined }, 'call start');
  logger.child({ component: 'script' }).error({ line: 3 }, 'route threw');
  t.same(out, [
    'INFO  call start key=272.1 scenario="top hiding"\n',
    'ERROR route threw component=script line=3\n',
  ]);
  const stamped: string[] = [];
  createConsoleLogger({ level: 'trace', write: (line) => stamped.push(line) }).trace({}, 'x');
  t.match(stamped[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z TRACE x\n$/);
});
