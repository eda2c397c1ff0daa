import t, { type Test } from 'tap';
import { join } from 'node:path';
import { loadScript, ScriptLoadError } from './script-loader';

const api = JSON.stringify(join(__dirname, '..', 'script'));

function fails(t: Test, file: string, code: string, line: number, problem: RegExp): void {
  try {
    loadScript(file);
    t.fail(`${file} should not load`);
  } catch (error) {
    t.type(error, ScriptLoadError);
    const e = error as ScriptLoadError;
    t.equal(e.code, code, `${code}`);
    t.equal(e.line, line, `${code}: line`);
    t.equal(e.file, file);
    t.match(e.problem, problem);
    t.equal(e.message, `${file}:${line}: ${e.problem}`, 'message is file:line: problem');
  }
}

t.test('a TypeScript script with defineScript loads with its routes', async (t) => {
  const dir = t.testdir({
    'good.ts': [
      `import { defineScript } from ${api};`,
      'const greeting: string = "hi";',
      'export default defineScript({',
      '  request(msg, b2b) { b2b.reply(200, greeting + msg.method); },',
      '  entitiesReply(msg) { msg.removeHeader("Server"); },',
      '});',
      '',
    ].join('\n'),
  });
  const loaded = loadScript('good.ts', dir);
  t.equal(loaded.file, join(dir, 'good.ts'), 'absolute path');
  t.type(loaded.routes.request, 'function');
  t.type(loaded.routes.entitiesReply, 'function');
  t.equal(loaded.routes.entitiesRequest, undefined);
});

t.test('a JavaScript script with module.exports or named exports loads', async (t) => {
  const dir = t.testdir({
    'plain.js': 'module.exports = { request(msg, b2b) { b2b.reply(200); } };\n',
    'named.js': 'exports.request = function (msg, b2b) { b2b.reply(404); };\n',
  });
  t.type(loadScript(join(dir, 'plain.js')).routes.request, 'function');
  t.type(loadScript(join(dir, 'named.js')).routes.request, 'function');
});

t.test('the shipped top-hiding script loads', async (t) => {
  const loaded = loadScript(join(__dirname, '..', '..', 'scenarios', 'scripts', 'top-hiding.ts'));
  t.type(loaded.routes.request, 'function');
});

t.test('a missing file', async (t) => {
  const dir = t.testdir({});
  fails(t, join(dir, 'nope.ts'), 'script-not-found', 1, /not found/);
});

t.test('syntax errors name the line, in TypeScript and in JavaScript', async (t) => {
  const dir = t.testdir({
    'bad.ts': 'export default {\n  request(msg: unknown) {\n    const x = ;\n  },\n};\n',
    'bad.js': '// a comment\nmodule.exports = {\n  request() {\n    return {;\n  },\n};\n',
  });
  fails(t, join(dir, 'bad.ts'), 'script-syntax', 3, /Expression expected/);
  fails(t, join(dir, 'bad.js'), 'script-syntax', 4, /SyntaxError/);
});

t.test('a module that throws while loading names the line', async (t) => {
  const dir = t.testdir({ 'throws.js': '\n\nthrow new Error("cannot connect to the database");\n' });
  fails(t, join(dir, 'throws.js'), 'script-load-failed', 3, /cannot connect to the database/);
});

t.test('a module without a request route, or with an unknown or unsupported export', async (t) => {
  const dir = t.testdir({
    'noroute.ts': '// helpers only\n\nexport default { entitiesReply() {} };\n',
    'empty.js': '// nothing\n',
    'typo.js': '\nmodule.exports = { request() {}, entityRequest() {} };\n',
    'local.js': 'module.exports = { request() {}, local() {} };\n',
    'notfn.js': 'module.exports = { request: 42 };\n',
  });
  fails(t, join(dir, 'noroute.ts'), 'script-no-request-route', 3, /no request route/);
  fails(t, join(dir, 'empty.js'), 'script-no-request-route', 1, /no request route/);
  fails(t, join(dir, 'typo.js'), 'script-bad-route', 2, /unknown export "entityRequest"/);
  fails(t, join(dir, 'local.js'), 'script-bad-route', 1, /local route is not supported yet/);
  fails(t, join(dir, 'notfn.js'), 'script-bad-route', 1, /must be a function/);
});

t.test('a file that is neither .ts nor .js', async (t) => {
  const dir = t.testdir({ 'script.py': 'print(1)\n' });
  fails(t, join(dir, 'script.py'), 'script-bad-extension', 1, /\.ts or \.js/);
});

t.test('b2bRequest / b2bReply exports (the global b2b_logic routes) load, as default or named exports', async (t) => {
  const dir = t.testdir({
    'routes.ts': [
      `import { defineScript } from ${api};`,
      'export default defineScript({',
      '  request(msg, b2b) { b2b.clientNew("callee", msg.ruri); b2b.initRequest("transfer"); },',
      '  b2bRequest(msg, b2b) { if (msg.method === "REFER") b2b.sendReply(202, "Accepted"); else b2b.passRequest(); },',
      '  b2bReply(_msg, b2b) { b2b.handleReply(); },',
      '});',
      '',
    ].join('\n'),
    'named.js': 'exports.request = function () {};\nexports.b2bReply = function (msg, b2b) { b2b.handleReply(); };\n',
    'bad.js': 'exports.request = function () {};\nexports.b2bRequest = "b2b_logic_request";\n',
  });
  const loaded = loadScript('routes.ts', dir);
  t.type(loaded.routes.b2bRequest, 'function');
  t.type(loaded.routes.b2bReply, 'function');
  const named = loadScript('named.js', dir);
  t.type(named.routes.b2bReply, 'function');
  t.equal(named.routes.b2bRequest, undefined);
  fails(t, join(dir, 'bad.js'), 'script-bad-route', 1, /route "b2bRequest" must be a function, got string/);
});
