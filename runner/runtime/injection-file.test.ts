/** Tests of the -inf CSV injection file parser: orders, rows, errors naming file and line. */
import t from 'tap';
import { InjectionFileError, parseInjectionFile } from './injection-file';

t.test('an injection file gives its order and rows of fields', async (t) => {
  const f = parseInjectionFile('SEQUENTIAL\n# users\nalice;secret;\r\nbob;pw\n\n', 'users.csv');
  t.equal(f.order, 'SEQUENTIAL');
  t.same(f.rows, [['alice', 'secret'], ['bob', 'pw']]);
  t.equal(f.file, 'users.csv');
  t.equal(parseInjectionFile('random\n1;2;3\n', 'x').order, 'RANDOM');
  t.same(parseInjectionFile('USER\na;;c\n', 'x').rows, [['a', '', 'c']], 'empty fields between delimiters stay');
});

t.test('errors name the file and line', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['', 'bad-order', /^e\.csv:1: .*empty/],
    ['# only a comment\nSOMETIMES\na;b\n', 'bad-order', /^e\.csv:2: the first line must be SEQUENTIAL, RANDOM, USER, got "SOMETIMES"/],
    ['SEQUENTIAL,PRINTF=10\na\n', 'bad-order', /^e\.csv:1: order options \(PRINTF=10\) are not supported/],
    ['SEQUENTIAL\n# nothing\n', 'no-rows', /^e\.csv:3: no data rows/],
  ];
  for (const [text, code, message] of cases) {
    const err = catchError(() => parseInjectionFile(text, 'e.csv'));
    t.ok(err instanceof InjectionFileError, `${code}: an InjectionFileError`);
    t.equal((err as InjectionFileError).code, code);
    t.match((err as Error).message, message);
  }
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
