/** RFC 5118 §4: the parser's verdict on each of the 12 IPv6 torture-test messages. */
import t from 'tap';
import { runFixtureSuite } from '../run-fixture-suite';

runFixtureSuite(t, __dirname, { label: 'RFC 5118', expectedCount: 12 });
