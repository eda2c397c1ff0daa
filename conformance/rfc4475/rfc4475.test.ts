/** RFC 4475 §3: the parser's verdict on each of the 49 SIP torture-test messages. */
import t from 'tap';
import { runFixtureSuite } from '../run-fixture-suite';

runFixtureSuite(t, __dirname, { label: 'RFC 4475', expectedCount: 49 });
